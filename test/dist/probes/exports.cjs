// The CommonJS twin of exports.mjs: same arguments, same report, but every entry is loaded with require()
// from a .cjs file, so resolution uses the "require" condition.
"use strict";

const subpaths = JSON.parse(process.argv[2]);
const entries = {};
for (const subpath of subpaths) {
  const specifier = subpath === "." ? "kserve-client" : `kserve-client/${subpath.slice(2)}`;
  try {
    const mod = require(specifier);
    entries[subpath] = {
      file: require.resolve(specifier),
      // __esModule is an interop marker some bundlers add, not an export of the package.
      exportNames: Object.keys(mod).filter((name) => name !== "__esModule").sort(),
      int64: typeof mod.Tensor?.int64 === "function" ? int64Report(mod.Tensor, require("kserve-client/tensor")) : undefined,
    };
  } catch (error) {
    entries[subpath] = { error: String(error?.stack ?? error) };
  }
}
process.stdout.write(JSON.stringify({ node: process.version, entries }));

function int64Report(Tensor, { encodeJsonData }) {
  const tensor = Tensor.int64("x", [2], [9223372036854775807n, -1n]);
  return {
    dataTag: Object.prototype.toString.call(tensor.data),
    values: Array.from(tensor.data, String),
    json: encodeJsonData(tensor),
  };
}
