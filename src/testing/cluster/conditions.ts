/**
 * Knative's "living" condition sets (knative.dev/pkg `apis.ConditionSet`), which KServe's InferenceService and
 * Knative's own Service use: a happy condition (`Ready`) that follows its dependents — False as soon as one is
 * False, Unknown while one is Unknown, True when all are True — conditions kept sorted by type, severity `Info`
 * on those `Ready` does not depend on, and a `lastTransitionTime` that moves only when a condition changes.
 */
import type { Condition, ConditionStatus } from "../../deploy/index.js";

/** A condition set over a list of conditions: mark conditions, read the result with {@link ConditionSet.conditions}. */
export interface ConditionSet {
  markTrue(type: string): void;
  markFalse(type: string, reason: string, message?: string): void;
  markUnknown(type: string, reason?: string, message?: string): void;
  /** Set a condition as another set reports it (KServe's `SetCondition`); nothing for `undefined`. */
  copy(type: string, from: Condition | undefined): void;
  get(type: string): Condition | undefined;
  /** The happy condition and the dependents, Unknown where absent (`InitializeConditions`). */
  initialize(): void;
  conditions(): Condition[];
}

/**
 * A condition set whose `happy` condition depends on `dependents`, starting from `previous` (whose transition
 * times are kept for conditions that do not change). `now` stamps the ones that do.
 */
export function conditionSet(
  happy: string,
  dependents: readonly string[],
  previous: readonly Condition[],
  now: string,
): ConditionSet {
  const byType = new Map<string, Condition>(previous.map((c) => [c.type, { ...c }]));
  const severity = (type: string) => (type === happy || dependents.includes(type) ? undefined : "Info");

  const set = (type: string, status: ConditionStatus, reason?: string, message?: string) => {
    // Go's JSON field order: type, status, severity, lastTransitionTime, reason, message (empty ones left out).
    const next: Condition = { type, status };
    const level = severity(type);
    if (level !== undefined) next.severity = level;
    next.lastTransitionTime = now;
    if (reason) next.reason = reason;
    if (message) next.message = message;
    const old = byType.get(type);
    if (old !== undefined && same(old, next)) return;
    byType.set(type, next);
  };
  const isDependent = (type: string) => dependents.includes(type);

  const api: ConditionSet = {
    markTrue(type) {
      set(type, "True");
      if (dependents.every((d) => byType.get(d)?.status === "True")) set(happy, "True");
    },
    markFalse(type, reason, message) {
      set(type, "False", reason, message);
      if (isDependent(type)) set(happy, "False", reason, message);
    },
    markUnknown(type, reason, message) {
      set(type, "Unknown", reason, message);
      // A failed dependent outweighs an unknown one: the happy condition stays (or becomes) False.
      if (dependents.some((d) => byType.get(d)?.status === "False")) {
        if (byType.get(happy)?.status !== "False") set(happy, "False", reason, message);
        return;
      }
      if (isDependent(type)) set(happy, "Unknown", reason, message);
    },
    copy(type, from) {
      if (from === undefined) return;
      if (from.status === "True") api.markTrue(type);
      else if (from.status === "False") api.markFalse(type, from.reason ?? "", from.message);
      else api.markUnknown(type, from.reason, from.message);
    },
    get: (type) => byType.get(type),
    initialize() {
      if (!byType.has(happy)) set(happy, "Unknown");
      const status = byType.get(happy)?.status === "True" ? "True" : "Unknown";
      for (const d of dependents) if (!byType.has(d)) set(d, status);
    },
    conditions: () => [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
  };
  return api;
}

/** Equal but for the transition time. */
function same(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    (a.reason ?? "") === (b.reason ?? "") &&
    (a.message ?? "") === (b.message ?? "") &&
    (a.severity ?? "") === (b.severity ?? "")
  );
}
