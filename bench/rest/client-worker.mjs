// @ts-check
// One client under test, in its own worker thread: its own isolate, JIT state and connection pool, as in an
// application that uses only that client. The orchestrator (index.mjs) asks it to run load rounds in turn.
import { parentPort, workerData } from "node:worker_threads";
import { runLoad } from "../shared.mjs";
import { Pool } from "undici";
import { createV2Client, Tensor } from "kserve-client";

const { baseUrl, client } = /** @type {{ baseUrl: string; client: string }} */ (workerData);
const path = "/v2/models/iris-classifier/infer";
const headers = { "content-type": "application/json" };
// The same small request for everyone: one iris row, JSON both ways.
const row = Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2]);
const buildBody = () =>
  JSON.stringify({ inputs: [{ name: "input-0", shape: [1, 4], datatype: "FP32", data: Array.from(row.data) }] });
const prebuiltBody = buildBody();

/** @returns {() => Promise<unknown>} */
function makeCall() {
  switch (client) {
    case "sdk": {
      const sdk = createV2Client({ baseUrl, binary: "never" });
      return async () => (await sdk.infer("iris-classifier", { inputs: [row] })).output("output-0").data;
    }
    case "undici-prebuilt": {
      const pool = new Pool(baseUrl, { connections: 128 });
      return async () => {
        const res = await pool.request({ path, method: "POST", headers, body: prebuiltBody });
        return JSON.parse(await res.body.text());
      };
    }
    case "undici": {
      // What an application writes by hand: its features change every call, so it builds the JSON every call.
      const pool = new Pool(baseUrl, { connections: 128 });
      return async () => {
        const res = await pool.request({ path, method: "POST", headers, body: buildBody() });
        return JSON.parse(await res.body.text());
      };
    }
    case "fetch":
      return async () => {
        const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: buildBody() });
        return res.json();
      };
    default:
      throw new Error(`unknown client ${client}`);
  }
}
const call = makeCall();

parentPort?.on("message", async (/** @type {{ total: number; concurrency: number }} */ task) => {
  parentPort?.postMessage(await runLoad(call, task.total, task.concurrency));
});
