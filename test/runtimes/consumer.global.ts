/**
 * The runtimes project's second global setup, after pack.global.ts: one consumer project with the packed tarball and
 * the optional peers installed (test/dist/helpers.ts's installConsumer), shared by every file through
 * `inject("kserveConsumer")`. Each file copies its probes in under names of its own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { installConsumer } from "../dist/helpers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A project with the packed kserve-client and its optional peers in node_modules. */
    kserveConsumer: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "kserve-client-runtimes-"));
  const consumerDir = join(root, "consumer");
  try {
    await installConsumer(project.getProvidedContext().kserveTarball, consumerDir);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  project.provide("kserveConsumer", consumerDir);
  return () => rm(root, { recursive: true, force: true });
}
