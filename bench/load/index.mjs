// @ts-check
// Load: 10,000 iris calls with 1,000 in flight against the mock KServe (its own process, loopback), through the
// undici HttpClient, the fetch HttpClient and gRPC, twice each. Every call must succeed; after the runs and a
// forced GC the heap must be back within 10% of where it was after the warm-up, and the sockets the client still
// holds after idling past keep-alive must not grow from the first run to the second.
//   npm run bench:load        (builds first; needs node --expose-gc, which the script passes)
import { readdirSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createV2Client, Tensor } from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport, createNodeHttpClient } from "kserve-client/node";
import { runLoad, startMockProcess } from "../shared.mjs";

const TOTAL = Number(process.env["LOAD_REQUESTS"] ?? 10_000);
const IN_FLIGHT = Number(process.env["LOAD_IN_FLIGHT"] ?? 1_000);
const WARMUP = Number(process.env["LOAD_WARMUP"] ?? 5_000);
const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
if (gc === undefined) throw new Error("Run with node --expose-gc (npm run bench:load does).");

const mock = await startMockProcess(new URL("./mock-process.mjs", import.meta.url));
const { url, grpcUrl } = JSON.parse(mock.url);
const request = { inputs: [Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4])] };

/**
 * Open sockets of this process (the client's: the mock runs in another process), read from /proc so that idle
 * keep-alive sockets, which are unref'd and so missing from process.getActiveResourcesInfo(), count too.
 */
function sockets() {
  try {
    return readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:");
      } catch {
        return false; // closed while we looked
      }
    }).length;
  } catch {
    return process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length;
  }
}
/**
 * Sockets once the client has been idle past keep-alive (undici closes idle connections after 4 s): a count taken
 * mid-churn says little (fetch opens and closes hundreds at this depth), what stays open after idling is a leak.
 */
async function idleSockets() {
  await sleep(IDLE_MS);
  return sockets();
}
const IDLE_MS = 5_000;

async function settledHeap() {
  // Let closing sockets and timers finish, then collect until the figure stops moving.
  await sleep(200);
  for (let i = 0; i < 4; i++) {
    gc?.();
    await sleep(20);
  }
  return process.memoryUsage().heapUsed;
}

const undici = createNodeHttpClient();
const transport = createNodeGrpcTransport({ baseUrl: grpcUrl });
const clients = [
  { name: "REST, undici HttpClient", client: createV2Client({ baseUrl: url, httpClient: undici, timeoutMs: 60_000 }) },
  {
    name: "REST, fetch HttpClient",
    client: createV2Client({ baseUrl: url, fetch: globalThis.fetch, timeoutMs: 60_000 }),
  },
  { name: "gRPC (HTTP/2)", client: createGrpcClient({ transport, timeoutMs: 60_000 }) },
  // Not the SDK: Node's fetch with a hand-built body, to tell fetch's own memory from the SDK's.
  { name: "baseline: raw fetch, no SDK", client: { infer: rawFetchInfer } },
];

/** The iris call by hand, answering in the SDK's result shape for the check below. */
async function rawFetchInfer() {
  const body = JSON.stringify({
    inputs: [{ name: "input-0", datatype: "FP32", shape: [1, 4], data: [6.8, 2.8, 4.8, 1.4] }],
  });
  const response = await fetch(`${url}/v2/models/iris/infer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const answer = await response.json();
  return { output: () => ({ data: [BigInt(answer.outputs[0].data[0])] }) };
}

const rows = [];
let failed = false;
try {
  for (const { name, client } of clients) {
    let errors = 0;
    /** @type {Map<string, number>} */
    const kinds = new Map();
    const call = async () => {
      try {
        const result = await client.infer("iris", request);
        if (result.output("output-0").data[0] !== 1n)
          throw new Error(`wrong class ${result.output("output-0").data[0]}`);
      } catch (error) {
        errors++;
        const kind = error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    };
    // Warm up at full concurrency, so that connection pools are at their working size before the heap is read.
    await runLoad(call, WARMUP, IN_FLIGHT);
    const heapBefore = await settledHeap();
    const socketsBefore = await idleSockets();
    const first = await runLoad(call, TOTAL, IN_FLIGHT);
    const socketsAfterFirst = await idleSockets();
    const second = await runLoad(call, TOTAL, IN_FLIGHT);
    const socketsAfterSecond = await idleSockets();
    const heapAfter = await settledHeap();
    const heapGrowth = heapAfter / heapBefore - 1;
    const ok = errors === 0 && heapGrowth <= 0.1 && socketsAfterSecond <= socketsAfterFirst;
    // The hand-written baseline is there to compare with; its verdict is shown, but does not fail the run.
    if (!name.startsWith("baseline")) failed ||= !ok;
    rows.push({
      name,
      errors,
      first,
      second,
      heapBefore,
      heapAfter,
      heapGrowth,
      socketsBefore,
      socketsAfterFirst,
      socketsAfterSecond,
      ok,
    });
    for (const [kind, count] of kinds) console.error(`  ${name}: ${count} × ${kind}`);
  }
} finally {
  await undici.close();
  transport.close();
  await mock.stop();
}

const mb = (/** @type {number} */ bytes) => (bytes / 2 ** 20).toFixed(1);
console.log(
  `${TOTAL} calls with ${IN_FLIGHT} in flight, twice per client, after ${WARMUP} warm-up calls; Node ${process.version}\n`,
);
console.log(
  "| client | failed calls | req/s (run 1, run 2) | p50 / p99 ms (run 2) | heap after warm-up → after both runs (MB) | sockets after 5 s idle: warm-up, run 1, run 2 | verdict |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.errors} | ${Math.round(r.first.rps)}, ${Math.round(r.second.rps)} | ${r.second.p50.toFixed(1)} / ${r.second.p99.toFixed(1)} | ` +
      `${mb(r.heapBefore)} → ${mb(r.heapAfter)} (${(r.heapGrowth * 100).toFixed(1)}%) | ${r.socketsBefore}, ${r.socketsAfterFirst}, ${r.socketsAfterSecond} | ${r.ok ? "ok" : "FAILED"} |`,
  );
}
if (failed) process.exitCode = 1;
