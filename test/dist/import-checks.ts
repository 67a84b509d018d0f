/**
 * The packed package loaded by one Node through its exports map, with import() and require() and both at once:
 * the dist project runs these on the Node running the tests, the runtimes project on Node 22, 24 and 26.
 */
import { describe, expect, beforeAll, it } from "vitest";
import { type DualReport, type ExportsReport, importableSubpaths, type PackedPackage, runProbe, type SeenBy } from "./helpers.js";

const INT64_EXPECTED = {
  dataTag: "[object BigInt64Array]",
  values: ["9223372036854775807", "-1"],
  json: "[9223372036854775807,-1]",
};

/** One line per entry that failed to load or loaded empty; [] when all is well. */
export function loadProblems(report: ExportsReport, expected: readonly string[]): string[] {
  return expected.flatMap((subpath) => {
    const entry = report.entries[subpath];
    if (entry === undefined) return [`${subpath}: not reported`];
    if (entry.error !== undefined) return [`${subpath}: ${entry.error}`];
    if (entry.exportNames === undefined || entry.exportNames.length === 0) return [`${subpath}: no exports`];
    return [];
  });
}

const recognisedAsValidation: SeenBy = {
  isKServeError: true,
  instanceofKServeError: true,
  instanceofValidationError: true,
  instanceofProtocolError: false,
};

/**
 * The import checks on one Node: the probes (exports.mjs, exports.cjs, dual.mjs) run by `node` from the consumer
 * project that `pkg` installed, and their reports checked. Registers a describe block named `label`.
 */
export function describeImportChecks(label: string, node: () => string, version: RegExp, pkg: () => PackedPackage): void {
  const subpaths = () => importableSubpaths(pkg().manifest);
  describe(label, () => {
    let esm: ExportsReport;
    let cjs: ExportsReport;
    let dual: DualReport;

    beforeAll(async () => {
      const entries = subpaths();
      [esm, cjs, dual] = await Promise.all([
        runProbe<ExportsReport>(node(), pkg(), "exports.mjs", entries),
        runProbe<ExportsReport>(node(), pkg(), "exports.cjs", entries),
        runProbe<DualReport>(node(), pkg(), "dual.mjs", entries),
      ]);
    });

    it("runs the probes on the intended Node", () => {
      expect(esm.node).toMatch(version);
      expect(cjs.node).toMatch(version);
      expect(dual.node).toMatch(version);
    });

    describe("exports map", () => {
      it("import() loads every entry, each with at least one export", () => {
        expect(loadProblems(esm, subpaths())).toEqual([]);
      });

      it("require() loads every entry, each with at least one export", () => {
        expect(loadProblems(cjs, subpaths())).toEqual([]);
      });

      it("import() and require() load different files with the same export names", () => {
        for (const subpath of subpaths()) {
          const [fromEsm, fromCjs] = [esm.entries[subpath], cjs.entries[subpath]];
          expect(fromEsm?.file, subpath).toBeDefined();
          expect(fromEsm?.file, subpath).not.toBe(fromCjs?.file);
          expect(fromCjs?.exportNames, subpath).toEqual(fromEsm?.exportNames);
        }
      });

      it("Tensor.int64 keeps exact values and encodeJsonData writes them exactly, from . and ./tensor", () => {
        const seen = Object.fromEntries(
          [".", "./tensor"].flatMap((subpath) => [
            [`import ${subpath}`, esm.entries[subpath]?.int64],
            [`require ${subpath}`, cjs.entries[subpath]?.int64],
          ]),
        );
        expect(seen).toEqual({
          "import .": INT64_EXPECTED,
          "require .": INT64_EXPECTED,
          "import ./tensor": INT64_EXPECTED,
          "require ./tensor": INT64_EXPECTED,
        });
      });
    });

    describe("ESM and CJS builds in one process (dual-package hazard)", () => {
      it("loads two separate copies of the error classes", () => {
        expect(dual.files.esm).not.toBe(dual.files.cjs);
        expect(dual.distinctCopies).toEqual({ KServeError: true, ValidationError: true, ProtocolError: true });
        expect(dual.madeBy).toEqual({
          validationFromCjs: true,
          validationFromEsm: true,
          protocolFromCjs: true,
          protocolFromEsm: true,
        });
      });

      it("recognises a ValidationError thrown by the CJS copy with the ESM copy's checks", () => {
        expect(dual.validationFromCjs).toEqual({ code: "invalid_argument", seenByEsm: recognisedAsValidation });
      });

      it("recognises a ValidationError thrown by the ESM copy with the CJS copy's checks", () => {
        expect(dual.validationFromEsm).toEqual({ code: "invalid_argument", seenByCjs: recognisedAsValidation });
      });

      it("keeps ProtocolError and plain errors apart across the copies", () => {
        const recognisedAsProtocol: SeenBy = {
          ...recognisedAsValidation,
          instanceofValidationError: false,
          instanceofProtocolError: true,
        };
        const notOurs: SeenBy = {
          isKServeError: false,
          instanceofKServeError: false,
          instanceofValidationError: false,
          instanceofProtocolError: false,
        };
        expect(dual.protocolFromCjs.seenByEsm).toEqual(recognisedAsProtocol);
        expect(dual.protocolFromEsm.seenByCjs).toEqual(recognisedAsProtocol);
        expect(dual.plainError).toEqual({ seenByEsm: notOurs, seenByCjs: notOurs });
      });

      it("shares one copy of the error classes across entries within each format", () => {
        for (const format of ["esm", "cjs"] as const) {
          const same = dual.sameClassesAsRoot[format];
          expect(same, format).toHaveProperty(["./tensor"], true);
          expect(Object.entries(same).filter(([, isSame]) => !isSame), format).toEqual([]);
        }
      });
    });
  });
}

