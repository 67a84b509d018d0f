/**
 * Problems found in an InferenceService, each with the path of the field it is about, and the error that
 * carries all of them. zod/mini ships no messages (every issue says "Invalid input"), so issues are turned into
 * sentences here, from their code and the value that was found.
 */
import type * as z from "zod/mini";
import { ValidationError } from "../core/errors.js";
import { tagErrorClass } from "../errors/kserve-error.js";

/** One thing wrong with an InferenceService: where (`spec.predictor.model.storageUri`) and what. */
export interface Problem {
  /** The field, as you would write it in JavaScript: `metadata.labels["app/x"]`, `spec.predictor.model.env[0].name`; `""` for the whole object. */
  path: string;
  /** What is wrong, in a sentence fragment that follows the path: `must not be empty`. */
  message: string;
}

/** A problem whose path is still a list of keys, before it is sorted and formatted. */
export interface LocatedProblem {
  path: readonly PropertyKey[];
  message: string;
}

/** A path as written in JavaScript: identifiers with dots, indices and other keys in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** A zod issue as a {@link LocatedProblem}; `reportInput` must have been on so the found value can be named. */
export function problemFromIssue(issue: z.core.$ZodIssue): LocatedProblem {
  return { path: issue.path, message: issueMessage(issue) };
}

/**
 * The problems in the order of the fields they are about in `value` (a depth-first walk, keys in insertion order),
 * without duplicates, with formatted paths. A missing field sorts right after its parent's own problems. The
 * order makes the error read top to bottom like the manifest, whichever check found what.
 */
export function inDocumentOrder(problems: readonly LocatedProblem[], value: unknown): Problem[] {
  const rank = new Map<string, number>();
  const seen = new WeakSet<object>(); // unknown fields are kept as given, so they may hold a cycle
  const visit = (node: unknown, path: PropertyKey[]): void => {
    rank.set(formatPath(path), rank.size);
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) node.forEach((item: unknown, index) => visit(item, [...path, index]));
    else for (const [key, child] of Object.entries(node)) visit(child, [...path, key]);
  };
  visit(value, []);
  const placeOf = (path: readonly PropertyKey[]): number => {
    for (let length = path.length; length > 0; length--) {
      const found = rank.get(formatPath(path.slice(0, length)));
      if (found !== undefined) return found;
    }
    return 0;
  };
  const sorted = problems
    .map((problem, index) => ({ problem, index, place: placeOf(problem.path) }))
    .sort((a, b) => a.place - b.place || a.problem.path.length - b.problem.path.length || a.index - b.index);
  const out: Problem[] = [];
  for (const { problem } of sorted) {
    const path = formatPath(problem.path);
    if (!out.some((seen) => seen.path === path && seen.message === problem.message))
      out.push({ path, message: problem.message });
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "never") return "is not allowed here";
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}${quoteHint(issue.expected, issue.input)}`;
    case "invalid_value":
      if (issue.input === undefined) return `is required; expected ${oneOf(issue.values)}`;
      return `expected ${oneOf(issue.values)}, got ${describeValue(issue.input)}`;
    case "invalid_key":
      // Record keys are checked by custom rules that already say "key "x": …".
      return issue.issues.map(issueMessage).join("; ");
    case "invalid_union": {
      const expected = issue.errors
        .flat()
        .flatMap((inner) => (inner.code === "invalid_type" ? [EXPECTED[inner.expected] ?? inner.expected] : []));
      return `expected ${expected.join(" or ") || "another value"}, got ${describeValue(issue.input)}`;
    }
    default:
      return issue.message;
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  record: "an object",
  date: "a Date",
};

/** YAML turns `value: 1.0` or `yes` into a number or boolean; say how to keep it a string. */
function quoteHint(expected: string, input: unknown): string {
  return expected === "string" && (typeof input === "number" || typeof input === "boolean")
    ? ' (quote it in YAML: "…")'
    : "";
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(", ")}`;
}

/** A short description of a found value: strings and numbers as themselves, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : typeof value;
}

/**
 * An InferenceService (or the input of `inferenceService()`) is not valid. A {@link ValidationError} (code
 * `invalid_argument`) whose message lists every problem, one per line, and whose `problems` hold them as data.
 *
 * @example
 * ```ts
 * try {
 *   parseInferenceService(manifest);
 * } catch (error) {
 *   if (error instanceof InferenceServiceValidationError) {
 *     for (const { path, message } of error.problems) console.error(`${path}: ${message}`);
 *   }
 * }
 * ```
 */
export class InferenceServiceValidationError extends ValidationError {
  /** Every problem found, in the order of the manifest's fields. Never empty. */
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], name?: string) {
    const what = name === undefined ? "The InferenceService" : `InferenceService "${name}"`;
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((p) => `  ${p.path || "(root)"}: ${p.message}`);
    super(`${what} is not valid (${count}):\n${lines.join("\n")}`, {
      path: problems[0]?.path,
      expected: "a valid serving.kserve.io/v1beta1 InferenceService",
      received: count,
    });
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems };
  }
}

tagErrorClass(InferenceServiceValidationError, "InferenceServiceValidationError");
