/**
 * examples/edge the Deno Deploy way: examples/edge/deno.mjs, as the packed package ships it, under `deno serve`, one
 * real Deno process for each configuration of test/edge/contract.ts (the configuration is the process's
 * environment), called over loopback and reaching the mock KServe on loopback. Deno loads the SDK's Node build
 * (test/runtimes/deno.test.ts shows which file each entry resolves to).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { MockKServe } from "kserve-client/testing";
import { EDGE_CONFIGS, type EdgeConfig, edgeEnv, edgeFunctionContract } from "../edge/contract.js";
import { ServerProcess } from "./server-process.js";
import { runtimeWithMock } from "./with-mock.js";

let mock: MockKServe | undefined;
const servers = new Map<EdgeConfig, { process: ServerProcess; url: string }>();

beforeAll(async () => {
  const consumerDir = inject("kserveConsumer");
  const ready = await runtimeWithMock("deno", { cluster: false, grpc: false });
  mock = ready.mock;

  await Promise.all(
    EDGE_CONFIGS.map(async (config) => {
      const process_ = new ServerProcess(
        ready.binary.path,
        // Port 0: any free one, which deno serve then prints. --no-remote: no module from the network.
        [
          "serve",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--no-remote",
          "--allow-net=127.0.0.1",
          "--allow-env",
          "node_modules/kserve-client/examples/edge/deno.mjs",
        ],
        {
          cwd: consumerDir,
          // Only the configuration's variables, so that none of this machine's can stand in for a missing one.
          env: {
            PATH: process.env["PATH"],
            HOME: process.env["HOME"],
            NO_COLOR: "1",
            DENO_DIR: join(consumerDir, ".deno"),
            DENO_NO_UPDATE_CHECK: "1",
            ...edgeEnv(config, ready.mock.url),
          },
        },
      );
      servers.set(config, { process: process_, url: "" });
      const url = await process_.waitFor(
        `deno serve (${config}) listening`,
        ({ stdout, stderr }) => /Listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout + stderr)?.[1],
      );
      servers.set(config, { process: process_, url });
    }),
  );
});

afterAll(async () => {
  await Promise.all([...servers.values()].map(({ process: p }) => p.stop()));
  await mock?.close();
});

function denoFetch(config: EdgeConfig, path: string, init?: RequestInit): Promise<Response> {
  const url = servers.get(config)?.url;
  if (!url) return Promise.reject(new Error(`no deno serve for ${config} (see the beforeAll error)`));
  return fetch(`${url}${path}`, init);
}

describe("examples/edge under deno serve", () => {
  edgeFunctionContract({ mock: () => mock!, fetch: denoFetch });

  it("calls the model with the SDK's Node build (undici), not Deno's fetch", () => {
    // Deno's fetch sends `user-agent: Deno/<version>` and `accept: */*`; undici's dispatcher, which the Node build
    // uses, sends neither. Every model call above came from one or the other.
    const calls = mock!.requests.filter((r) => r.path === "/v2/models/iris/infer");
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((r) => [r.headers["user-agent"], r.headers["accept"]])).toEqual(
      calls.map(() => [undefined, undefined]),
    );
  });
});
