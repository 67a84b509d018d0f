/**
 * Validating admission: a hook that plays a validating webhook (KServe's InferenceService validator),
 * and the `Status` the apiserver answers with when the webhook denies a request.
 */
import type { ResourceDefinition } from "./resources.js";
import { failure, type FieldError, invalidDetails, KubeStatusError, qualifiedKind, aggregate } from "./status.js";
import type { KubeResource, StoredObject } from "./types.js";

/** What a validating webhook is asked about: a write to the main resource (never `/status`). */
export interface AdmissionRequest {
  resource: KubeResource;
  operation: "CREATE" | "UPDATE";
  /** The object as it would be stored (a copy: changing it changes nothing). */
  object: StoredObject;
  /** The stored object an UPDATE replaces. */
  oldObject?: StoredObject | undefined;
}

/** One reason to deny: `path` is the field (`spec.predictor.model.storageUri`), `message` says what is wrong. */
export interface AdmissionCause {
  path: string;
  message: string;
  /** The cause's reason in the Status; default FieldValueInvalid. */
  reason?: FieldError["type"] | undefined;
}

/**
 * A validating webhook: the causes to deny the request for, or nothing (undefined or []) to admit it. It is
 * called for every resource; look at `request.resource` to pick the ones it validates.
 */
export type AdmissionHook = (request: AdmissionRequest) => readonly AdmissionCause[] | undefined;

/**
 * How a denial reaches the client. `"invalid"`: 422 Invalid listing each cause, as when the webhook answers
 * with a field error list (`apierrors.NewInvalid`). `"forbidden"`: 403 Forbidden with the messages only, as
 * KServe's own validator answers (controller-runtime's `admission.Denied` for a plain Go error).
 */
export type DenialStyle = "invalid" | "forbidden";

/** The name KServe registers its InferenceService validating webhook under. */
export const KSERVE_VALIDATOR_WEBHOOK = "inferenceservice.kserve-webhook-server.validator";

/** The error the apiserver answers with when webhook `webhook` denies a request with `causes`. */
export function webhookDenial(
  def: ResourceDefinition,
  name: string,
  causes: readonly AdmissionCause[],
  webhook: string,
  style: DenialStyle,
): KubeStatusError {
  // The apiserver prefixes the webhook's own message (k8s.io/apiserver webhook errors.ToStatusErr) and keeps
  // its code, reason and details.
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  if (style === "forbidden") {
    return new KubeStatusError(failure(403, "Forbidden", `${deniedBy}: ${causes.map((c) => c.message).join("; ")}`));
  }
  const errors: FieldError[] = causes.map((c) => ({
    type: c.reason ?? "FieldValueInvalid",
    field: c.path,
    body: c.message,
  }));
  return new KubeStatusError(
    failure(
      422,
      "Invalid",
      `${deniedBy}: ${qualifiedKind(def)} "${name}" is invalid: ${aggregate(errors)}`,
      invalidDetails(def, name, errors),
    ),
  );
}
