/**
 * Watching an InferenceService until it is Ready for the applied spec: read it, watch from that version, report
 * every condition change, and end on the verdict of waitVerdict (verdict.ts). Watches that end are restarted from
 * a fresh read, backing off while they keep failing.
 */
import { AbortError, KServeError, TimeoutError } from "../core/errors.js";
import { deadlineSignal } from "../internal/signals.js";
import { GROUP, PLURAL, readInferenceService, VERSION } from "./apply.node.js";
import { describeCondition } from "./conditions.js";
import { InferenceServiceFailedError } from "./failed-error.js";
import { apiStatus, type Cluster, kubeError } from "./kube.node.js";
import type { InferenceServiceWaitOptions } from "./options.js";
import type { Condition, InferenceService } from "./types.js";
import { type AppliedSpec, waitVerdict } from "./verdict.js";

/** What the wait is about: the spec applied (whose status counts) and the deadline. */
export interface WaitTarget extends AppliedSpec {
  deadline: number;
  /** The caller's whole limit, for messages. */
  limit: number;
}

/** Restarts of the read-and-watch cycle back off from 200 ms to 5 s. */
const restartDelayMs = (failures: number) => Math.min(5000, 200 * 2 ** Math.min(failures, 5));

/**
 * Watch `namespace/name` until waitVerdict says ready (resolved with the object) or failed
 * (InferenceServiceFailedError), the deadline passes (TimeoutError naming the last conditions), the signal aborts
 * (AbortError), or it does not exist or is deleted (not_found).
 */
export async function watchUntilReady(
  cluster: Cluster,
  name: string,
  namespace: string,
  options: InferenceServiceWaitOptions,
  applied: WaitTarget,
): Promise<InferenceService> {
  checkNotAborted(options.signal, name);
  const timeoutMs = applied.limit;
  const seen = new Map<string, Condition>();
  let modelState = "";
  let last: InferenceService | undefined;
  let lastWatchError: unknown;

  return new Promise<InferenceService>((resolve, reject) => {
    let settled = false;
    let watching: AbortController | undefined;
    let restart: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: unknown, value?: InferenceService) => {
      if (settled) return;
      settled = true;
      limited.dispose();
      clearTimeout(restart);
      watching?.abort();
      if (error === undefined) resolve(value!);
      else reject(error);
    };
    const timedOut = () => {
      const state = last === undefined ? "it was never read" : summary(last);
      const watchError =
        lastWatchError === undefined
          ? ""
          : ` The last watch error: ${lastWatchError instanceof Error ? lastWatchError.message : String(lastWatchError)}.`;
      return new TimeoutError(
        `InferenceService ${namespace}/${name} was not Ready within ${timeoutMs} ms; last: ${state}.${watchError}`,
        { model: name },
      );
    };
    const limited = deadlineSignal(
      applied.deadline === Infinity ? Infinity : Math.max(0, applied.deadline - Date.now()),
      timedOut,
      options.signal,
    );
    limited.signal.addEventListener("abort", () => {
      if (limited.timedOut()) finish(limited.signal.reason);
      else
        finish(
          new AbortError(`Waiting for InferenceService ${namespace}/${name} was cancelled.`, {
            cause: options.signal?.reason,
            model: name,
          }),
        );
    });

    const observe = (isvc: InferenceService) => {
      last = isvc;
      try {
        for (const condition of isvc.status?.conditions ?? []) {
          const previous = seen.get(condition.type);
          if (
            previous?.status === condition.status &&
            previous.reason === condition.reason &&
            previous.message === condition.message
          )
            continue;
          seen.set(condition.type, condition);
          options.onEvent?.({ type: "condition", name, condition, previous });
        }
        const model = isvc.status?.modelStatus;
        const state = model?.states?.activeModelState || model?.states?.targetModelState;
        if (state !== undefined && `${state}/${model?.transitionStatus}` !== modelState) {
          modelState = `${state}/${model?.transitionStatus}`;
          options.onEvent?.({ type: "model", name, state, transition: model?.transitionStatus });
        }
      } catch (error) {
        return finish(error); // the caller's onEvent threw
      }
      const verdict = waitVerdict(isvc, applied);
      if (verdict.kind === "ready") finish(undefined, isvc);
      else if (verdict.kind === "failed") {
        finish(
          new InferenceServiceFailedError(
            `InferenceService ${namespace}/${name} failed: ${verdict.description}`,
            verdict.condition,
            isvc,
          ),
        );
      }
    };

    const start = async () => {
      let current: InferenceService;
      try {
        current = await readInferenceService(cluster, namespace, name);
      } catch (error) {
        const status = apiStatus(error);
        if (status === 404)
          return finish(
            new KServeError("not_found", `InferenceService ${namespace}/${name} does not exist.`, {
              status: 404,
              model: name,
              cause: error,
            }),
          );
        // Overload and server errors pass; anything else (401, 403, …) will not get better by waiting.
        if (status !== undefined && status !== 429 && status < 500)
          return finish(kubeError(error, `Reading InferenceService ${namespace}/${name}`, cluster));
        lastWatchError = error;
        return again();
      }
      if (settled) return;
      observe(current);
      if (settled) return;
      try {
        const controller = await new cluster.k8s.Watch(cluster.config as never).watch(
          `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
          { fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion },
          (type: string, object: unknown) => {
            failures = 0;
            if (type === "ADDED" || type === "MODIFIED") observe(object as InferenceService);
            else if (type === "DELETED")
              finish(
                new KServeError(
                  "not_found",
                  `InferenceService ${namespace}/${name} was deleted while waiting for it.`,
                  { model: name },
                ),
              );
            // ERROR (e.g. 410 Gone): the watch ends; the next one starts from a fresh read.
          },
          (error: unknown) => {
            if (error !== null && error !== undefined) lastWatchError = error;
            again();
          },
        );
        if (settled) controller.abort();
        else watching = controller;
      } catch (error) {
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        if (status === 401 || status === 403) {
          const what = `Watching InferenceService ${namespace}/${name}`;
          return finish(
            new KServeError(
              status === 401 ? "unauthenticated" : "permission_denied",
              `${what}: ${error instanceof Error ? error.message : String(error)} (HTTP ${status}). Check your RBAC permissions (watch on inferenceservices.serving.kserve.io).`,
              { status, model: name, cause: error },
            ),
          );
        }
        lastWatchError = error;
        again();
      }
    };
    // Watches end (server timeouts, dropped connections): read again and watch from there, backing off while
    // things keep failing.
    let failures = 0;
    const again = () => {
      if (!settled) restart = setTimeout(() => void start(), restartDelayMs(failures++));
    };
    void start();
  });
}

function summary(isvc: InferenceService): string {
  const conditions = isvc.status?.conditions ?? [];
  const text = conditions.length === 0 ? "no conditions reported yet" : conditions.map(describeCondition).join("; ");
  const model = isvc.status?.modelStatus;
  const state = model?.states?.targetModelState || model?.states?.activeModelState;
  const failure = model?.lastFailureInfo?.["message"];
  return model === undefined
    ? text
    : `${text}; model ${state ?? "?"} (${model.transitionStatus ?? "?"})${typeof failure === "string" ? `: ${failure}` : ""}`;
}

/** An AbortError when `signal` has already aborted: a listener added now would never fire. */
export function checkNotAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted)
    throw new AbortError(`Deploying InferenceService ${name} was cancelled before it started.`, {
      cause: signal.reason,
      model: name,
    });
}
