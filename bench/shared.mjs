// @ts-check
// What the REST and gRPC benchmarks do alike: start the mock in its own process (pinned to the other core with
// BENCH_PIN=1), and run a load of calls with a given concurrency inside a client worker.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/**
 * Start `script` (a mock-process.mjs) in a separate process and wait for the URL it prints. BENCH_PIN=1 (with
 * the client started under `taskset -c 0`) puts the server on the other core, so the two do not take turns on
 * one; much steadier figures on a 2-core machine.
 */
export async function startMockProcess(/** @type {URL} */ script) {
  const args = [process.execPath, fileURLToPath(script)];
  const pinned = process.env["BENCH_PIN"] === "1";
  const child = pinned
    ? spawn("taskset", ["-c", "1", ...args], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, args.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await once(
    createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }),
    "line",
  );
  const exited = once(child, "exit");
  return { url: String(line).trim(), pinned, stop: async () => void (child.kill("SIGTERM"), await exited) };
}

/** Run `total` calls with `concurrency` in flight; returns req/s and latency percentiles in ms. */
export async function runLoad(
  /** @type {() => Promise<unknown>} */ call,
  /** @type {number} */ total,
  /** @type {number} */ concurrency,
) {
  const latencies = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await call();
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort();
  const pct = (/** @type {number} */ p) => latencies[Math.min(total - 1, Math.floor(total * p))] ?? NaN;
  return { rps: (total / elapsed) * 1000, p50: pct(0.5), p99: pct(0.99) };
}
