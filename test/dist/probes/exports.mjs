// Run from inside the consumer project, so that bare specifiers resolve through its node_modules and the
// "import" condition. argv[2]: JSON array of subpaths ("." , "./tensor", ...). Prints one JSON report.
import { fileURLToPath } from "node:url";

const subpaths = JSON.parse(process.argv[2]);
const entries = {};
for (const subpath of subpaths) {
  const specifier = subpath === "." ? "kserve-client" : `kserve-client/${subpath.slice(2)}`;
  try {
    const mod = await import(specifier);
    entries[subpath] = {
      file: fileURLToPath(import.meta.resolve(specifier)),
      exportNames: Object.keys(mod).sort(),
      int64: typeof mod.Tensor?.int64 === "function" ? int64Report(mod.Tensor, await import("kserve-client/tensor")) : undefined,
    };
  } catch (error) {
    entries[subpath] = { error: String(error?.stack ?? error) };
  }
}
process.stdout.write(JSON.stringify({ node: process.version, entries }));

// The encoder comes from ./tensor whichever entry made the tensor, so "." is also checked against the
// other entry's copy of the shared code.
function int64Report(Tensor, { encodeJsonData }) {
  const tensor = Tensor.int64("x", [2], [9223372036854775807n, -1n]);
  return {
    dataTag: Object.prototype.toString.call(tensor.data),
    values: Array.from(tensor.data, String),
    json: encodeJsonData(tensor),
  };
}
