// Loads the ESM and the CJS build of kserve-client into this one process (the dual-package hazard: an app
// whose ESM code imports the package while a CJS dependency requires it) and reports how errors made by
// one copy look to the other. argv[2]: JSON array of subpaths. Prints one JSON report.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const subpaths = JSON.parse(process.argv[2]);
const specifierOf = (subpath) => (subpath === "." ? "kserve-client" : `kserve-client/${subpath.slice(2)}`);

const esm = await import("kserve-client");
const cjs = require("kserve-client");

function thrownBy(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

// How `lib`'s checks see `error`.
function seenBy(error, lib) {
  return {
    isKServeError: lib.isKServeError(error),
    instanceofKServeError: error instanceof lib.KServeError,
    instanceofValidationError: error instanceof lib.ValidationError,
    instanceofProtocolError: error instanceof lib.ProtocolError,
  };
}

// For every entry that exports the error classes, whether they are the very objects the root entry exports.
async function sameClassesAsRoot(load, root) {
  const out = {};
  for (const subpath of subpaths) {
    const mod = await load(specifierOf(subpath));
    if (!("KServeError" in mod)) continue;
    out[subpath] = ["KServeError", "ValidationError", "ProtocolError"].every((name) => mod[name] === root[name]);
  }
  return out;
}

const validationFromCjs = thrownBy(() => cjs.Tensor.int8("x", [1], [300]));
const validationFromEsm = thrownBy(() => esm.Tensor.int8("x", [1], [300]));
const protocolFromCjs = new cjs.ProtocolError("bad body");
const protocolFromEsm = new esm.ProtocolError("bad body");
const plain = new Error("not ours");

process.stdout.write(
  JSON.stringify({
    node: process.version,
    files: { esm: fileURLToPath(import.meta.resolve("kserve-client")), cjs: require.resolve("kserve-client") },
    distinctCopies: {
      KServeError: esm.KServeError !== cjs.KServeError,
      ValidationError: esm.ValidationError !== cjs.ValidationError,
      ProtocolError: esm.ProtocolError !== cjs.ProtocolError,
    },
    // Guards the cross-copy results below: each error really was built by the copy it is said to come from.
    madeBy: {
      validationFromCjs: Object.getPrototypeOf(validationFromCjs) === cjs.ValidationError.prototype,
      validationFromEsm: Object.getPrototypeOf(validationFromEsm) === esm.ValidationError.prototype,
      protocolFromCjs: Object.getPrototypeOf(protocolFromCjs) === cjs.ProtocolError.prototype,
      protocolFromEsm: Object.getPrototypeOf(protocolFromEsm) === esm.ProtocolError.prototype,
    },
    validationFromCjs: { code: validationFromCjs.code, seenByEsm: seenBy(validationFromCjs, esm) },
    validationFromEsm: { code: validationFromEsm.code, seenByCjs: seenBy(validationFromEsm, cjs) },
    protocolFromCjs: { seenByEsm: seenBy(protocolFromCjs, esm) },
    protocolFromEsm: { seenByCjs: seenBy(protocolFromEsm, cjs) },
    plainError: { seenByEsm: seenBy(plain, esm), seenByCjs: seenBy(plain, cjs) },
    sameClassesAsRoot: {
      esm: await sameClassesAsRoot((s) => import(s), esm),
      cjs: await sameClassesAsRoot(async (s) => require(s), cjs),
    },
  }),
);
