// @ts-check
// `npm run bench:telemetry`: what kserve-client/otel costs the client. The same V2 REST call (one iris row, JSON)
// against the mock KServe in a separate process, with telemetry off and on, in alternating rounds in this process;
// the client's CPU time per call (process.cpuUsage: user + system) is compared, since wall time is mostly the
// server's and the loopback's. "On" is an OpenTelemetry setup as a service runs it: the Node tracer provider
// (AsyncLocalStorage context, W3C propagation), a batch span processor with an exporter that drops the spans, and a
// meter provider with a reader.
import { startMockProcess } from "../shared.mjs";
import { createV2Client, Tensor } from "kserve-client";
import { telemetry } from "kserve-client/otel";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";

const CALLS = Number(process.env["BENCH_REQUESTS"] ?? 3000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 6);
const CONCURRENCY = 8;

/** An exporter that drops what it gets: the cost measured is the SDK's and kserve-client's, not an exporter's I/O. */
const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracerProvider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(/** @type {any} */ (dropSpans))],
});
tracerProvider.register();
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 60_000,
    }),
  ],
});

const mock = await startMockProcess(new URL("../rest/mock-process.mjs", import.meta.url));
const row = Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2]);
const clients = {
  off: createV2Client({ baseUrl: mock.url, binary: "never" }),
  on: createV2Client({ baseUrl: mock.url, binary: "never", telemetry: telemetry({ tracerProvider, meterProvider }) }),
};

/** CPU microseconds per call of `calls` calls, `CONCURRENCY` in flight. */
async function round(/** @type {import("kserve-client").V2Client} */ client, /** @type {number} */ calls) {
  let next = 0;
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < calls) await client.infer("iris-classifier", { inputs: [row] });
    }),
  );
  const cpu = process.cpuUsage(before);
  return { cpuUs: (cpu.user + cpu.system) / calls, rps: (calls / (performance.now() - started)) * 1000 };
}

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
try {
  for (const client of Object.values(clients)) await round(client, 1000); // warm-up
  /** @type {{ off: { cpuUs: number; rps: number }[]; on: { cpuUs: number; rps: number }[] }} */
  const results = { off: [], on: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = /** @type {("off" | "on")[]} */ (r % 2 === 0 ? ["off", "on"] : ["on", "off"]);
    for (const name of order) results[name].push(await round(clients[name], CALLS));
  }
  const off = median(results.off.map((x) => x.cpuUs));
  const on = median(results.on.map((x) => x.cpuUs));
  const ratios = results.on.map((x, i) => x.cpuUs / (results.off[i]?.cpuUs ?? NaN));
  console.log(
    `Node ${process.version}, ${CALLS} calls x ${ROUNDS} rounds, ${CONCURRENCY} in flight${mock.pinned ? ", pinned" : ""}`,
  );
  console.log("| Telemetry | client CPU per call (median) | req/s (median) |");
  console.log("| --- | ---: | ---: |");
  console.log(`| off | ${off.toFixed(1)} µs | ${median(results.off.map((x) => x.rps)).toFixed(0)} |`);
  console.log(`| on | ${on.toFixed(1)} µs | ${median(results.on.map((x) => x.rps)).toFixed(0)} |`);
  console.log(
    `\non / off, CPU per call: ${(on / off).toFixed(3)} (median of the ${ROUNDS} rounds' ratios: ${median(ratios).toFixed(3)})`,
  );
} finally {
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await mock.stop();
}
