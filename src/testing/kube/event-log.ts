/**
 * The bounded history of changes that lets a watch resume from a resourceVersion, as the apiserver's
 * watch cache does: recent events are replayed, a version older than the history is "too old" (410).
 */
import { expired } from "./status.js";
import type { WatchEvent } from "./types.js";

/** A bounded, resourceVersion-ordered history of watch events. */
export interface EventLog {
  append(event: WatchEvent): void;
  /** The events after `resourceVersion`, oldest first; throws 410 Expired when some of them were dropped. */
  since(resourceVersion: number): WatchEvent[];
}

/** A history keeping the last `limit` events. */
export function createEventLog(limit: number): EventLog {
  const events: WatchEvent[] = [];
  // The resourceVersion of the newest event dropped: a watch from before it would miss events.
  let compacted = 0;
  return {
    append(event) {
      events.push(event);
      if (events.length > limit) compacted = versionOf(events.shift()!);
    },
    since(resourceVersion) {
      if (resourceVersion < compacted) throw expired(`too old resource version: ${resourceVersion} (${compacted})`);
      // Versions only grow, so the answer is a suffix: find where it starts from the end.
      let start = events.length;
      while (start > 0 && versionOf(events[start - 1]!) > resourceVersion) start--;
      return events.slice(start);
    },
  };
}

function versionOf(event: WatchEvent): number {
  return Number(event.object.metadata.resourceVersion);
}
