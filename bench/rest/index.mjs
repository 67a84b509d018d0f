// @ts-check
// `npm run bench:rest`: the SDK on Node against raw undici and Node's fetch, all calling the same mock KServe
// (startMockKServe, in a separate process) on loopback. Reports req/s, p50 and p99, and ratios to raw undici.
// Each client runs in its own worker thread (its own isolate, as in an application that uses one of them);
// they take turns, in rotating order, so each sees the machine's noise alike.
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { startMockProcess } from "../shared.mjs";
import { createV2Client, Tensor } from "kserve-client";

const SMALL_REQUESTS = Number(process.env["BENCH_REQUESTS"] ?? 4000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const WARMUP_REQUESTS = Number(process.env["BENCH_WARMUP"] ?? 3000);

const mock = await startMockProcess(new URL("./mock-process.mjs", import.meta.url));
const baseUrl = mock.url;
const pinned = mock.pinned;
/** The clients compared, each in its own worker (see client-worker.mjs). */
const clients = {
  "kserve-client (undici)": "sdk",
  "raw undici Pool.request, body built per call": "undici",
  "raw undici Pool.request, body built once": "undici-prebuilt",
  "Node fetch": "fetch",
};
const workers = Object.fromEntries(
  Object.entries(clients).map(([name, client]) => [
    name,
    new Worker(new URL("./client-worker.mjs", import.meta.url), { workerData: { baseUrl, client } }),
  ]),
);
/** One load round in the named client's worker. */
async function load(/** @type {string} */ name, /** @type {number} */ total, /** @type {number} */ concurrency) {
  const worker = /** @type {Worker} */ (workers[name]);
  worker.postMessage({ total, concurrency });
  const [result] = await once(worker, "message");
  return /** @type {{ rps: number; p50: number; p99: number }} */ (result);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(
  `kserve-client REST — ${process.version}; mock KServe in a separate process on loopback${pinned ? " (client on core 0, server on core 1)" : ""}; median of ${ROUNDS} rounds\n`,
);
console.log(
  "| case | client | req/s | p50 ms | p99 ms | req/s vs raw undici (body built once) | vs raw undici (body built per call) |",
);
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
/** @type {Record<string, number>} */
const sdkRatio = {};
/** @type {Record<string, number>} */
const sdkRatioBuilt = {};
for (const concurrency of [1, 32]) {
  const total = concurrency === 1 ? Math.floor(SMALL_REQUESTS / 4) : SMALL_REQUESTS;
  // Warm every client up to steady state (JIT tiers, pools, connections) before measuring: a short warm-up
  // favours whichever client runs the least JavaScript.
  for (const name of Object.keys(clients)) await load(name, WARMUP_REQUESTS, concurrency);
  /** @type {Record<string, { rps: number; p50: number; p99: number }[]>} */
  const results = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no client always runs first.
    const names = Object.keys(clients);
    for (let k = 0; k < names.length; k++) {
      const name = /** @type {string} */ (names[(k + round) % names.length]);
      results[name]?.push(await load(name, total, concurrency));
    }
  }
  const raw = median((results["raw undici Pool.request, body built once"] ?? []).map((r) => r.rps));
  const rawBuilt = median((results["raw undici Pool.request, body built per call"] ?? []).map((r) => r.rps));
  for (const [name, runs] of Object.entries(results)) {
    const rps = median(runs.map((r) => r.rps));
    if (name.startsWith("kserve-client")) {
      sdkRatio[concurrency] = rps / raw;
      sdkRatioBuilt[concurrency] = rps / rawBuilt;
    }
    console.log(
      `| iris 1×4, concurrency ${concurrency} | ${name} | ${rps.toFixed(0)} | ${median(runs.map((r) => r.p50)).toFixed(3)} | ${median(runs.map((r) => r.p99)).toFixed(3)} | ${(rps / raw).toFixed(2)}× | ${(rps / rawBuilt).toFixed(2)}× |`,
    );
  }
}

// 1M-element FP32 echo through the SDK, JSON and binary.
const big = Tensor.fp32(
  "input-0",
  [1_000_000],
  new Float32Array(1_000_000).map((_, i) => Math.sin(i)),
);
/** @type {Record<string, number>} */
const echo = {};
for (const binary of /** @type {const} */ (["never", "always"])) {
  const client = createV2Client({ baseUrl, binary, maxResponseBytes: 64 * 1024 * 1024 });
  await client.infer("echo", { inputs: [big] });
  const times = [];
  for (let i = 0; i < ROUNDS + 2; i++) {
    const t0 = performance.now();
    await client.infer("echo", { inputs: [big] });
    times.push(performance.now() - t0);
  }
  echo[binary] = median(times);
}
console.log(`\n| 1M-element FP32 echo round trip (kserve-client) | median ms |`);
console.log("| --- | ---: |");
const jsonMs = echo["never"] ?? NaN;
const binaryMs = echo["always"] ?? NaN;
console.log(`| JSON both ways (binary: "never") | ${jsonMs.toFixed(1)} |`);
console.log(`| binary extension both ways (binary: "always") | ${binaryMs.toFixed(1)} |`);

console.log("\n| target | measured | met |");
console.log("| --- | ---: | :---: |");
for (const c of [1, 32]) {
  for (const [baseline, ratio] of /** @type {[string, number][]} */ ([
    ["body built per call", sdkRatioBuilt[c] ?? NaN],
    ["body built once", sdkRatio[c] ?? NaN],
  ])) {
    console.log(
      `| SDK ≥ 0.9× raw undici req/s (${baseline}), concurrency ${c} | ${ratio.toFixed(2)}× | ${ratio >= 0.9 ? "yes" : "NO"} |`,
    );
  }
}
const speedup = jsonMs / binaryMs;
console.log(
  `| binary 1M round trip ≥ 20× faster than JSON | ${speedup.toFixed(1)}× | ${speedup >= 20 ? "yes" : "NO"} |`,
);

await Promise.all(Object.values(workers).map((worker) => worker.terminate()));
await mock.stop();
process.exit(0);
