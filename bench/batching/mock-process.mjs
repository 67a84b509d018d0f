// @ts-check
// The mock KServe in its own process for the batching benchmark, with a KServe-like cost: each inference keeps the
// server's one thread busy for 0.6 ms per request plus 0.007 ms per row, as KServe's Python server does (sklearn on
// loopback). Prints one line of JSON with its REST and gRPC URLs.
import { startMockKServe } from "kserve-client/testing";

const cost = {
  perRequestMs: Number(process.env["BENCH_COST_REQUEST_MS"] ?? 0.6),
  perRowMs: Number(process.env["BENCH_COST_ROW_MS"] ?? 0.007),
};
const mock = await startMockKServe({ cluster: false, cost });
process.stdout.write(`${JSON.stringify({ url: mock.url, grpcUrl: mock.grpcUrl, cost })}\n`);
process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
