/**
 * Failures as the Kubernetes API server reports them: a `Status` object with the same reason, code,
 * details and message wording as k8s.io/apimachinery's `api/errors` constructors, so that clients (and
 * the people reading their errors) see what a real cluster would tell them.
 */
import type { KubeStatus, StatusCause, StatusDetails, StatusReason } from "./types.js";

/** A failed API call: carries the `Status` the HTTP API answers with. */
export class KubeStatusError extends Error {
  override readonly name = "KubeStatusError";
  readonly status: KubeStatus;

  constructor(status: KubeStatus) {
    super(status.message ?? status.reason ?? "Failure");
    this.status = status;
  }

  /** The HTTP status code (404, 409, 422 …). */
  get code(): number {
    return this.status.code ?? 500;
  }

  /** The `Status.reason` ("NotFound", "Conflict" …). */
  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

/** Whether `error` is a {@link KubeStatusError} (optionally with this reason). */
export function isKubeStatusError(error: unknown, reason?: StatusReason): error is KubeStatusError {
  return error instanceof KubeStatusError && (reason === undefined || error.status.reason === reason);
}

/** A resource as errors name it: `secrets`, or `inferenceservices.serving.kserve.io` with a group. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A kind as validation errors name it: `Secret`, or `InferenceService.serving.kserve.io`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** One invalid field (`field.Error`): `body` is the text after "<field>: ", e.g. `Invalid value: "x": …`. */
export interface FieldError {
  type: "FieldValueInvalid" | "FieldValueRequired" | "FieldValueForbidden" | "FieldValueNotSupported";
  field: string;
  body: string;
}

/** `field.Invalid`: the value is shown the way Go's `%q`/`%v` shows it. */
export function fieldInvalid(field: string, value: string | number | { goSyntax: string }, detail: string): FieldError {
  const shown =
    typeof value === "string" ? JSON.stringify(value) : typeof value === "number" ? String(value) : value.goSyntax;
  return { type: "FieldValueInvalid", field, body: `Invalid value: ${shown}${detail === "" ? "" : `: ${detail}`}` };
}

/** `field.Required`. */
export function fieldRequired(field: string, detail: string): FieldError {
  return { type: "FieldValueRequired", field, body: detail === "" ? "Required value" : `Required value: ${detail}` };
}

/** `field.Forbidden`. */
export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: "FieldValueForbidden", field, body: detail === "" ? "Forbidden" : `Forbidden: ${detail}` };
}

/** `<resource>[.<group>]`, the way `schema.GroupResource.String()` prints it. */
export function qualifiedResource({ group, resource }: GroupResource): string {
  return group === "" ? resource : `${resource}.${group}`;
}

/** `<Kind>[.<group>]`, the way `schema.GroupKind.String()` prints it. */
export function qualifiedKind({ group, kind }: GroupKind): string {
  return group === "" ? kind : `${kind}.${group}`;
}

/** A `Status` of failure; empty details fields are left out as Go's `omitempty` does. */
export function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): KubeStatus {
  const status: KubeStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details !== undefined) status.details = compactDetails(details);
  status.code = code;
  return status;
}

/** The `Status` of success a delete answers with when the resource does not return the deleted object. */
export function deleted(gr: GroupResource, name: string, uid: string): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: compactDetails({ name, group: gr.group, kind: gr.resource, uid }),
  };
}

/** 404 `<resource> "<name>" not found`. */
export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(
    failure(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  );
}

/** 409 `<resource> "<name>" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError(
    failure(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  );
}

/** The reason optimistic concurrency gives (`storage.OptimisticLockErrorMsg`). */
export const OPTIMISTIC_LOCK_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";

/** 409 `Operation cannot be fulfilled on <resource> "<name>": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): KubeStatusError {
  return new KubeStatusError(
    failure(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  );
}

/** 422 `<Kind> "<name>" is invalid: <errors>` with one cause per field error (`errors.NewInvalid`). */
export function invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): KubeStatusError {
  return new KubeStatusError(
    failure(
      422,
      "Invalid",
      `${qualifiedKind(gk)} "${name}" is invalid: ${aggregate(errors)}`,
      invalidDetails(gk, name, errors),
    ),
  );
}

/** The details of an Invalid status: `kind` is the Kind here, not the resource. */
export function invalidDetails(gk: GroupKind, name: string, errors: readonly FieldError[]): StatusDetails {
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
  return { name, group: gk.group, kind: gk.kind, causes };
}

/** The way `field.ErrorList.ToAggregate().Error()` joins errors: one alone, several in brackets, duplicates once. */
export function aggregate(errors: readonly FieldError[]): string {
  const messages = [...new Set(errors.map((e) => `${e.field}: ${e.body}`))];
  return messages.length === 1 ? messages[0]! : `[${messages.join(", ")}]`;
}

/** 400 with the given message. */
export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(failure(400, "BadRequest", message));
}

/** 403 `<resource> "<name>" is forbidden: <why>`. */
export function forbidden(gr: GroupResource, name: string, why: string, causes?: StatusCause[]): KubeStatusError {
  const details: StatusDetails = { name, group: gr.group, kind: gr.resource };
  if (causes !== undefined) details.causes = causes;
  return new KubeStatusError(
    failure(403, "Forbidden", `${qualifiedResource(gr)} "${name}" is forbidden: ${why}`, details),
  );
}

/** 410 Expired: a watch or continue token from before the retained history. */
export function expired(message: string): KubeStatusError {
  return new KubeStatusError(failure(410, "Expired", message));
}

/** 404 for a path the server does not serve at all. */
export function routeNotFound(): KubeStatusError {
  return new KubeStatusError(failure(404, "NotFound", "the server could not find the requested resource", {}));
}

/** 405 for a verb the path does not take. */
export function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(
    failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}),
  );
}

/** 415 for a body in a format the endpoint does not read (`negotiation.NewUnsupportedMediaTypeError`). */
export function unsupportedMediaType(accepted: readonly string[]): KubeStatusError {
  return new KubeStatusError(
    failure(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    ),
  );
}

/** 401 as the authentication filter answers: no details, message "Unauthorized". */
export function unauthorized(): KubeStatusError {
  return new KubeStatusError(failure(401, "Unauthorized", "Unauthorized"));
}

/** 413 as the body limit answers. */
export function tooLarge(limit: number): KubeStatusError {
  return new KubeStatusError(failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`));
}

/** 500 for a plain (non-Status) error, the way the server's fallback wraps it. */
export function internal(message: string): KubeStatusError {
  return new KubeStatusError(failure(500, "Unknown", message));
}

function compactDetails(details: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes !== undefined && details.causes.length > 0) out.causes = details.causes;
  return out;
}
