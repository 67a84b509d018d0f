// @ts-check
// `npm run bench:rest`: the SDK on Node against raw undici and Node's fetch, all calling the same mock KServe
// (startMockKServe, in a separate process) on loopback. Reports req/s, p50 and p99, and ratios to raw undici.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { createV2Client, Tensor } from "kserve-client";

const SMALL_REQUESTS = Number(process.env["BENCH_REQUESTS"] ?? 4000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);

// BENCH_PIN=1 (with the client started under `taskset -c 0`) puts the server on the other core, so the two do
// not take turns on one; much steadier figures on a 2-core machine.
const mockArgs = [process.execPath, fileURLToPath(new URL("./mock-process.mjs", import.meta.url))];
const pinned = process.env["BENCH_PIN"] === "1";
const child = pinned
  ? spawn("taskset", ["-c", "1", ...mockArgs], { stdio: ["ignore", "pipe", "inherit"] })
  : spawn(mockArgs[0] ?? process.execPath, mockArgs.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
const [line] = await once(createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }), "line");
const baseUrl = String(line).trim();
const path = "/v2/models/iris-classifier/infer";

// The same small request for everyone: one iris row, JSON both ways.
const features = [5.1, 3.5, 1.4, 0.2];
const row = Tensor.fp32("input-0", [1, 4], features);
const jsonBody = JSON.stringify({ inputs: [{ name: "input-0", shape: [1, 4], datatype: "FP32", data: Array.from(row.data) }] });
const headers = { "content-type": "application/json" };

const sdk = createV2Client({ baseUrl, binary: "never" });
const pool = new Pool(baseUrl, { connections: 128 });

/** @type {Record<string, () => Promise<unknown>>} */
const callers = {
  "kserve-client (undici)": async () => {
    const res = await sdk.infer("iris-classifier", { inputs: [row] });
    return res.output("output-0").data;
  },
  "raw undici Pool.request": async () => {
    const res = await pool.request({ path, method: "POST", headers, body: jsonBody });
    return JSON.parse(await res.body.text());
  },
  "Node fetch": async () => {
    const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: jsonBody });
    return res.json();
  },
};

/** Run `total` calls with `concurrency` in flight; returns req/s and latency percentiles in ms. */
async function load(call, total, concurrency) {
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
  const pct = (p) => latencies[Math.min(total - 1, Math.floor(total * p))] ?? NaN;
  return { rps: (total / elapsed) * 1000, p50: pct(0.5), p99: pct(0.99) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(
  `kserve-client REST — ${process.version}; mock KServe in a separate process on loopback${pinned ? " (client on core 0, server on core 1)" : ""}; median of ${ROUNDS} rounds\n`,
);
console.log("| case | client | req/s | p50 ms | p99 ms | req/s vs raw undici |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
/** @type {Record<string, number>} */
const sdkRatio = {};
for (const concurrency of [1, 32]) {
  const total = concurrency === 1 ? Math.floor(SMALL_REQUESTS / 4) : SMALL_REQUESTS;
  for (const call of Object.values(callers)) await load(call, 200, concurrency); // warm up every client
  /** @type {Record<string, { rps: number; p50: number; p99: number }[]>} */
  const results = Object.fromEntries(Object.keys(callers).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no client always runs first.
    const names = Object.keys(callers);
    for (let k = 0; k < names.length; k++) {
      const name = /** @type {string} */ (names[(k + round) % names.length]);
      results[name]?.push(await load(/** @type {() => Promise<unknown>} */ (callers[name]), total, concurrency));
    }
  }
  const raw = median((results["raw undici Pool.request"] ?? []).map((r) => r.rps));
  for (const [name, runs] of Object.entries(results)) {
    const rps = median(runs.map((r) => r.rps));
    if (name.startsWith("kserve-client")) sdkRatio[concurrency] = rps / raw;
    console.log(
      `| iris 1×4, concurrency ${concurrency} | ${name} | ${rps.toFixed(0)} | ${median(runs.map((r) => r.p50)).toFixed(3)} | ${median(runs.map((r) => r.p99)).toFixed(3)} | ${(rps / raw).toFixed(2)}× |`,
    );
  }
}

// 1M-element FP32 echo through the SDK, JSON and binary.
const big = Tensor.fp32("input-0", [1_000_000], new Float32Array(1_000_000).map((_, i) => Math.sin(i)));
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
  const ratio = sdkRatio[c] ?? NaN;
  console.log(`| SDK ≥ 0.9× raw undici req/s, concurrency ${c} | ${ratio.toFixed(2)}× | ${ratio >= 0.9 ? "yes" : "NO"} |`);
}
const speedup = jsonMs / binaryMs;
console.log(`| binary 1M round trip ≥ 20× faster than JSON | ${speedup.toFixed(1)}× | ${speedup >= 20 ? "yes" : "NO"} |`);

await pool.close();
child.kill("SIGTERM");
await once(child, "exit");
process.exit(0);
