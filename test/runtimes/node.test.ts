/**
 * The packed package's import checks (import(), require(), both in one process) on Node 22, 24 and 26, each a real
 * process of that Node; the dist project runs them on the Node running the tests. The unit, e2e and edge tests run
 * under each of these Nodes too, as entries of their own in scripts/test-runtimes.mjs.
 */
import { beforeAll, inject } from "vitest";
import { type PackedPackage, runtimeBinary, withProbes } from "../dist/helpers.js";
import { describeImportChecks } from "../dist/import-checks.js";

// The exact versions are pinned in scripts/runtimes.mjs, which checks each binary's --version.
const NODES = [
  { name: "node22", label: "Node 22", version: /^v22\./ },
  { name: "node24", label: "Node 24", version: /^v24\./ },
  { name: "node26", label: "Node 26", version: /^v26\./ },
];

let packed: PackedPackage | undefined;
const binaries = new Map<string, string>();

beforeAll(async () => {
  const [pkg, ...bins] = await Promise.all([
    withProbes(inject("kserveTarball"), inject("kserveConsumer")),
    ...NODES.map(({ name }) => runtimeBinary(name)),
  ]);
  packed = pkg;
  NODES.forEach(({ name }, i) => binaries.set(name, bins[i]!.path));
});

for (const { name, label, version } of NODES) {
  describeImportChecks(
    label,
    () => binaries.get(name) ?? fail(`no ${name} binary (see the beforeAll error)`),
    version,
    () => packed ?? fail("the package was not installed (see the beforeAll error)"),
  );
}

function fail(message: string): never {
  throw new Error(message);
}
