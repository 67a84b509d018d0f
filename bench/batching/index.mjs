// @ts-check
// `npm run bench:batching`: client-side micro-batching (createBatcher) against the mock KServe in its own process
// with a KServe-like cost (mock-process.mjs: 0.6 ms per request, 0.007 ms per row of busy server time).
//   1. 1,000 single-row iris calls in flight, batched and not: rows/s, p50 and p99, and their ratio (target ≥ 10×);
//   2. one call in flight: the latency a batcher adds, batched and direct calls taking turns, the median of each
//      pair's difference (target ≤ maxDelayMs + 0.5 ms);
//   3. REST against gRPC, batched.
// Batched and unbatched runs take turns, so both see the machine's noise alike; figures are medians of the rounds.
//   BENCH_ROUNDS (3), BENCH_IN_FLIGHT (1000), BENCH_CALLS (unbatched calls per round, 5000; batched ×4),
//   BENCH_SINGLE (pairs of calls at one in flight per round, 400), BENCH_PIN=1 (client on core 0, mock on core 1)
import { createBatcher, createV2Client, Tensor } from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport, createNodeHttpClient } from "kserve-client/node";
import { runLoad, startMockProcess } from "../shared.mjs";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const IN_FLIGHT = Number(process.env["BENCH_IN_FLIGHT"] ?? 1000);
const CALLS = Number(process.env["BENCH_CALLS"] ?? 5000);
const SINGLE = Number(process.env["BENCH_SINGLE"] ?? 400);
const LIMITS = { maxBatchSize: 64, maxDelayMs: 2, maxConcurrentBatches: 4 };

const mock = await startMockProcess(new URL("./mock-process.mjs", import.meta.url));
const { url, grpcUrl, cost } = JSON.parse(mock.url);
const http = createNodeHttpClient();
const transport = createNodeGrpcTransport({ baseUrl: grpcUrl });
const rest = createV2Client({ baseUrl: url, httpClient: http, timeoutMs: 120_000 });
const grpc = createGrpcClient({ transport, timeoutMs: 120_000 });

/** The iris row whose class is 1 (versicolor), as a fresh tensor per call, as a service builds it per request. */
const request = () => ({ inputs: [Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4])] });
/** One call through `infer`, checked, so that a wrong answer cannot pass for a fast one. */
const caller =
  (/** @type {(r: ReturnType<typeof request>) => Promise<import("kserve-client").InferResult>} */ infer) =>
  async () => {
    const res = await infer(request());
    if (res.output("output-0", "INT64").data[0] !== 1n) throw new Error("wrong class");
  };

const batchers = { REST: createBatcher(rest, "iris", LIMITS), gRPC: createBatcher(grpc, "iris", LIMITS) };
/** @type {Record<string, { call: () => Promise<void>; calls: number; batcher?: import("kserve-client").Batcher }>} */
const cases = {
  "REST, unbatched": { call: caller((r) => rest.infer("iris", r)), calls: CALLS },
  "REST, batched": { call: caller((r) => batchers.REST.infer(r)), calls: CALLS * 4, batcher: batchers.REST },
  "gRPC, unbatched": { call: caller((r) => grpc.infer("iris", r)), calls: CALLS },
  "gRPC, batched": { call: caller((r) => batchers.gRPC.infer(r)), calls: CALLS * 4, batcher: batchers.gRPC },
};

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
/** @type {Record<string, { rps: number; p50: number; p99: number }[]>} */
const loaded = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
/** Rows per request the batchers sent during the loaded runs. @type {Record<string, number[]>} */
const perRequest = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
/**
 * One call in flight, the batched and the direct call taking turns call by call, so that each pair sees the same
 * moment of the machine: what the batcher adds is the median of the pairs' differences.
 * @type {Record<"REST" | "gRPC", { direct: number[]; batched: number[]; added: number[] }>}
 */
const single = { REST: { direct: [], batched: [], added: [] }, gRPC: { direct: [], batched: [], added: [] } };
async function paired(/** @type {"REST" | "gRPC"} */ transportName, /** @type {number} */ n) {
  const direct = /** @type {(typeof cases)[string]} */ (cases[`${transportName}, unbatched`]).call;
  const batched = /** @type {(typeof cases)[string]} */ (cases[`${transportName}, batched`]).call;
  const times = { direct: new Float64Array(n), batched: new Float64Array(n), added: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    // Alternate which goes first, so neither always follows the other.
    const order = i % 2 === 0 ? [direct, batched] : [batched, direct];
    const took = [];
    for (const call of order) {
      const t0 = performance.now();
      await call();
      took.push(performance.now() - t0);
    }
    const [d, b] = i % 2 === 0 ? took : [...took].reverse();
    times.direct[i] = /** @type {number} */ (d);
    times.batched[i] = /** @type {number} */ (b);
    times.added[i] = /** @type {number} */ (b) - /** @type {number} */ (d);
  }
  const p = (/** @type {Float64Array} */ values, /** @type {number} */ q) =>
    values.sort()[Math.min(n - 1, Math.floor(n * q))] ?? NaN;
  const entry = single[transportName];
  entry.direct.push(p(times.direct, 0.5));
  entry.batched.push(p(times.batched, 0.5));
  entry.added.push(p(times.added, 0.5));
}

try {
  // Warm-up: JIT, connection pools and HTTP/2 sessions at working size.
  for (const c of Object.values(cases)) await runLoad(c.call, 2000, IN_FLIGHT);
  for (const transportName of /** @type {const} */ (["REST", "gRPC"])) await paired(transportName, 100);
  const names = Object.keys(cases);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = /** @type {string} */ (names[(k + round) % names.length]);
      const c = /** @type {(typeof cases)[string]} */ (cases[name]);
      const before = c.batcher?.stats();
      loaded[name]?.push(await runLoad(c.call, c.calls, IN_FLIGHT));
      const after = c.batcher?.stats();
      if (before !== undefined && after !== undefined)
        perRequest[name]?.push((after.rows - before.rows) / (after.batches - before.batches));
    }
    for (const transportName of /** @type {const} */ (["REST", "gRPC"])) await paired(transportName, SINGLE);
  }
} finally {
  await Promise.all(Object.values(batchers).map((b) => b.close()));
  await http.close();
  transport.close();
  await mock.stop();
}

const m = (/** @type {string} */ name, /** @type {"rps" | "p50" | "p99"} */ key) =>
  median((loaded[name] ?? []).map((r) => r[key]));

console.log(
  `kserve-client batching — Node ${process.version}; mock KServe in its own process on loopback${mock.pinned ? " (client on core 0, server on core 1)" : ""}, ` +
    `cost ${cost.perRequestMs} ms per request + ${cost.perRowMs} ms per row; createBatcher ${JSON.stringify(LIMITS)}; median of ${ROUNDS} rounds\n`,
);
console.log(`### ${IN_FLIGHT} single-row calls in flight\n`);
console.log("| case | calls per round | rows/s | p50 ms | p99 ms | rows per request |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const [name, c] of Object.entries(cases)) {
  const rows = c.batcher === undefined ? 1 : median(perRequest[name] ?? []);
  console.log(
    `| ${name} | ${c.calls} | ${m(name, "rps").toFixed(0)} | ${m(name, "p50").toFixed(1)} | ${m(name, "p99").toFixed(1)} | ${rows.toFixed(1)} |`,
  );
}
console.log("\n### One call in flight (a direct and a batched call taking turns)\n");
console.log(
  "| transport | pairs per round | direct p50 ms | batched p50 ms | added, median of the pairs' differences, ms |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, s] of Object.entries(single)) {
  console.log(
    `| ${name} | ${SINGLE} | ${median(s.direct).toFixed(3)} | ${median(s.batched).toFixed(3)} | ${median(s.added).toFixed(3)} |`,
  );
}

const targets = [];
for (const t of /** @type {const} */ (["REST", "gRPC"])) {
  const ratio = m(`${t}, batched`, "rps") / m(`${t}, unbatched`, "rps");
  targets.push([`${t}: batched rows/s ≥ 10× unbatched, ${IN_FLIGHT} in flight`, `${ratio.toFixed(1)}×`, ratio >= 10]);
  const added = median(single[t].added);
  const limit = LIMITS.maxDelayMs + 0.5;
  targets.push([
    `${t}: added latency at one call in flight (median of the pairs) ≤ maxDelayMs + 0.5 ms = ${limit} ms`,
    `${added.toFixed(2)} ms`,
    added <= limit,
  ]);
}
const restVsGrpc = m("REST, batched", "rps") / m("gRPC, batched", "rps");
console.log("\n| target | measured | met |");
console.log("| --- | ---: | :---: |");
for (const [what, measured, met] of targets) console.log(`| ${what} | ${measured} | ${met ? "yes" : "NO"} |`);
console.log(`\nREST batched / gRPC batched rows/s: ${restVsGrpc.toFixed(2)}×`);
if (targets.some(([, , met]) => !met)) process.exitCode = 1;
