/**
 * The dist and runtimes projects' global setup: `npm pack` once (prepack builds dist/), and hand the tarball to every
 * test file through `inject("kserveTarball")`. Each file packing on its own would run two builds into dist/ at once.
 *
 * KSERVE_TARBALL names a tarball packed beforehand instead (.ci/run packs once for `npm test` and
 * `npm run test:runtimes`); it is used as it is and left in place.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { TestProject } from "vitest/node";
import { run } from "./helpers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The packed kserve-client tarball. */
    kserveTarball: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env["KSERVE_TARBALL"];
  if (given !== undefined && given !== "") {
    if (!isAbsolute(given) || !given.endsWith(".tgz")) {
      throw new Error(`KSERVE_TARBALL must be the absolute path of a .tgz, got ${JSON.stringify(given)}`);
    }
    project.provide("kserveTarball", given);
    return async () => {};
  }
  const { tarball, cleanup } = await packTarball();
  project.provide("kserveTarball", tarball);
  return cleanup;
}

/** `npm pack` into a fresh temporary directory: the tarball, and a function that removes the directory. */
async function packTarball(): Promise<{ tarball: string; cleanup: () => Promise<void> }> {
  const packDir = await mkdtemp(join(tmpdir(), "kserve-client-pack-"));
  const cleanup = () => rm(packDir, { recursive: true, force: true });
  try {
    // stdout mixes the prepack build log with npm's own output, so the tarball is found on disk instead.
    await run("npm", ["pack", "--pack-destination", packDir], { timeoutMs: 300_000 });
    const tarballs = (await readdir(packDir)).filter((name) => name.endsWith(".tgz"));
    if (tarballs.length !== 1) throw new Error(`expected one tarball in ${packDir}, found ${JSON.stringify(tarballs)}`);
    return { tarball: join(packDir, tarballs[0]!), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
