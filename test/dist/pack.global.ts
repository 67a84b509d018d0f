/**
 * The dist project's global setup: `npm pack` once (prepack builds dist/), and hand the tarball to every test file
 * through `inject("kserveTarball")`. Each file packing on its own would run two builds into dist/ at once.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { run } from "./helpers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The packed kserve-client tarball. */
    kserveTarball: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const packDir = await mkdtemp(join(tmpdir(), "kserve-client-pack-"));
  // stdout mixes the prepack build log with npm's own output, so the tarball is found on disk instead.
  await run("npm", ["pack", "--pack-destination", packDir], { timeoutMs: 300_000 });
  const tarballs = (await readdir(packDir)).filter((name) => name.endsWith(".tgz"));
  if (tarballs.length !== 1) throw new Error(`expected one tarball in ${packDir}, found ${JSON.stringify(tarballs)}`);
  project.provide("kserveTarball", join(packDir, tarballs[0]!));
  return () => rm(packDir, { recursive: true, force: true });
}
