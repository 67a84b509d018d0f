// @ts-check
// `npm run bench:grpc`: the SDK's gRPC client (createGrpcClient on createNodeGrpcTransport) against a raw
// @grpc/grpc-js client on the same .proto, both calling the same mock KServe (startMockKServe's h2c gRPC port,
// in a separate process) on loopback. Reports req/s, p50 and p99 and the SDK/raw ratio for a small request at
// concurrency 1 and 32, and the median round trip of a 1M-element FP32 echo.
// Each client runs in its own worker thread (its own isolate, as in an application that uses one of them);
// they take turns, in rotating order, so each sees the machine's noise alike.
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { startMockProcess } from "../shared.mjs";

const SMALL_REQUESTS = Number(process.env["BENCH_REQUESTS"] ?? 4000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const WARMUP_REQUESTS = Number(process.env["BENCH_WARMUP"] ?? 3000);
const ECHOES_PER_ROUND = Number(process.env["BENCH_ECHOES"] ?? 3);

const mock = await startMockProcess(new URL("./mock-process.mjs", import.meta.url));
const grpcUrl = mock.url;
const pinned = mock.pinned;
/** The clients compared, each in its own worker (see client-worker.mjs). */
const SDK = "kserve-client (createGrpcClient + createNodeGrpcTransport)";
const RAW = "raw @grpc/grpc-js + proto-loader, request built per call";
const clients = { [SDK]: "sdk", [RAW]: "grpc-js" };
const workers = Object.fromEntries(
  Object.entries(clients).map(([name, client]) => [
    name,
    new Worker(new URL("./client-worker.mjs", import.meta.url), { workerData: { grpcUrl, client } }),
  ]),
);
// Each worker checks its answers (iris label, echoed values) before it says it is ready.
await Promise.all(Object.values(workers).map((worker) => once(worker, "message")));

/** One task in the named client's worker. */
async function run(/** @type {string} */ name, /** @type {object} */ task) {
  const worker = /** @type {Worker} */ (workers[name]);
  worker.postMessage(task);
  const [result] = await once(worker, "message");
  return result;
}
const load = async (/** @type {string} */ name, /** @type {number} */ total, /** @type {number} */ concurrency) =>
  /** @type {{ rps: number; p50: number; p99: number }} */ (await run(name, { kind: "load", total, concurrency }));

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(
  `kserve-client gRPC — ${process.version}; mock KServe (h2c gRPC) in a separate process on loopback${pinned ? " (client on core 0, server on core 1)" : ""}; median of ${ROUNDS} rounds\n`,
);
console.log("| case | client | req/s | p50 ms | p99 ms | req/s vs raw grpc-js (median of per-round ratios) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
/** @type {Record<number, number>} */
const sdkRatio = {};
for (const concurrency of [1, 32]) {
  const total = concurrency === 1 ? Math.floor(SMALL_REQUESTS / 4) : SMALL_REQUESTS;
  // Warm every client up to steady state (JIT tiers, connections) before measuring.
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
  const rawRuns = results[RAW] ?? [];
  for (const [name, runs] of Object.entries(results)) {
    const ratio = median(runs.map((r, i) => r.rps / (rawRuns[i]?.rps ?? NaN)));
    if (name === SDK) sdkRatio[concurrency] = ratio;
    console.log(
      `| iris 1×4, concurrency ${concurrency} | ${name} | ${median(runs.map((r) => r.rps)).toFixed(0)} | ${median(runs.map((r) => r.p50)).toFixed(3)} | ${median(runs.map((r) => r.p99)).toFixed(3)} | ${ratio.toFixed(2)}× |`,
    );
  }
}

// 1M-element FP32 echo round trip (4 MB of raw bytes each way), one call at a time, clients taking turns.
/** @type {Record<string, number[]>} */
const echoTimes = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
/** @type {number[]} */
const echoRatios = [];
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(clients);
  /** @type {Record<string, number>} */
  const roundMedian = {};
  for (let k = 0; k < names.length; k++) {
    const name = /** @type {string} */ (names[(k + round) % names.length]);
    const { times } = /** @type {{ times: number[] }} */ (await run(name, { kind: "echo", count: ECHOES_PER_ROUND }));
    echoTimes[name]?.push(...times);
    roundMedian[name] = median(times);
  }
  echoRatios.push((roundMedian[SDK] ?? NaN) / (roundMedian[RAW] ?? NaN));
}
const echoRatio = median(echoRatios);
console.log(`\n| 1M-element FP32 echo round trip | median ms | time vs raw grpc-js (median of per-round ratios) |`);
console.log("| --- | ---: | ---: |");
for (const [name, times] of Object.entries(echoTimes)) {
  console.log(`| ${name} | ${median(times).toFixed(1)} | ${name === SDK ? `${echoRatio.toFixed(2)}×` : "1.00×"} |`);
}

console.log("\n| target | measured | met |");
console.log("| --- | ---: | :---: |");
for (const c of [1, 32]) {
  const ratio = sdkRatio[c] ?? NaN;
  console.log(
    `| SDK ≥ 0.8× raw grpc-js req/s, concurrency ${c} | ${ratio.toFixed(2)}× | ${ratio >= 0.8 ? "yes" : "NO"} |`,
  );
}

await Promise.all(Object.values(workers).map((worker) => worker.terminate()));
await mock.stop();
process.exit(0);
