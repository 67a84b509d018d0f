/**
 * The tensor layer's errors: the SDK's base classes (src/errors), and the one message shape the tensor checks share.
 */
import type { ProblemDetails } from "../errors/kserve-error.js";

export {
  isKServeError,
  KServeError,
  oneStop,
  ProtocolError,
  tagErrorClass,
  ValidationError,
} from "../errors/kserve-error.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "../errors/kserve-error.js";

/**
 * A message of the form `Tensor "x" data[3]: expected an integer in [0, 255], got -1. <hint>`.
 * Internal helper shared by the tensor layer; not exported from the package.
 */
export function describeProblem(problem: string, details: ProblemDetails, hint?: string): string {
  const where = [details.tensor === undefined ? "" : `Tensor "${details.tensor}"`, details.path ?? ""]
    .filter(Boolean)
    .join(" ");
  const what =
    details.expected === undefined
      ? problem
      : `${problem}${problem ? ": " : ""}expected ${details.expected}, got ${details.received ?? "nothing"}`;
  return `${where ? `${where}: ` : ""}${what}.${hint ? ` ${hint}` : ""}`;
}
