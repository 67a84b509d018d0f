/**
 * An InferenceService as YAML or JSON text, for GitOps repositories and `kubectl apply -f`. Both check the object
 * first (printing an invalid manifest would only move the error to the cluster) and print its fields in a stable
 * order: apiVersion, kind, metadata, spec, then status when there is one, and known fields before others inside.
 */
import { Document, parse, type Scalar, visit } from "yaml";
import { parseInferenceService } from "./schema.js";
import type { InferenceService } from "./types.js";

/**
 * The InferenceService as a YAML document. Strings that a YAML reader could take for something else are quoted:
 * not only YAML 1.2's `"null"`, `"1.0"` and `"true"`, but also YAML 1.1's `"yes"`, `"on"`, `"y"`, `"0o14"` or
 * `"12:30"`, because Kubernetes' own tools read manifests with YAML 1.1 parsers. Long strings are not folded.
 *
 * @throws {InferenceServiceValidationError} when `isvc` is not valid (every problem listed).
 * @example
 * ```ts
 * await writeFile("isvc.yaml", toYaml(inferenceService({ name: "iris", predictor: { sklearn: { storageUri: "gs://b/iris" } } })));
 * ```
 */
export function toYaml(isvc: InferenceService): string {
  const document = new Document(parseInferenceService(isvc));
  visit(document, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === "string" && isMisreadable(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * The InferenceService as JSON: 2-space indentation and a trailing newline, like `kubectl get -o json`.
 *
 * @throws {InferenceServiceValidationError} when `isvc` is not valid (every problem listed).
 */
export function toJson(isvc: InferenceService): string {
  return `${JSON.stringify(parseInferenceService(isvc), null, 2)}\n`;
}

/** Keys YAML 1.1 gives a meaning of their own (merge, value), whatever they parse to on their own. */
const SPECIAL_KEYS = new Set(["<<", "="]);

/**
 * True when a plain (unquoted) scalar with this text would read back as something other than this string under
 * YAML 1.2 or 1.1. Multi-line strings are left to the library, which prints them as block literals.
 */
function isMisreadable(text: string): boolean {
  if (text.includes("\n")) return false;
  if (SPECIAL_KEYS.has(text)) return true;
  for (const version of ["1.1", "1.2"] as const) {
    try {
      if (parse(text, { version, logLevel: "silent" }) !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}
