/**
 * The mock cluster's validating webhook for InferenceServices, standing in for KServe's
 * (`inferenceservice.kserve-webhook-server.validator`): the SDK's own `checkInferenceService`, every problem a
 * cause with its field path, so a bad manifest is refused at `kubectl apply` time as on a real cluster.
 */
import { checkInferenceService } from "../../deploy/index.js";
import type { AdmissionHook } from "../kube/index.js";

/** The admission hook: InferenceService writes are checked, every other resource is admitted. */
export function inferenceServiceAdmission(): AdmissionHook {
  return (request) => {
    if (request.resource !== "inferenceservices") return undefined;
    const result = checkInferenceService(request.object);
    if (result.ok) return undefined;
    // A problem with the whole object has no field; Kubernetes names the root `<root>` then.
    return result.problems.map((problem) => ({
      path: problem.path === "" ? "<root>" : problem.path,
      message: problem.message,
    }));
  };
}
