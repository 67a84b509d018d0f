/**
 * examples/edge on Cloudflare's workerd, the runtime of Cloudflare Workers: the example as the packed package ships
 * it, bundled with esbuild with the conditions wrangler bundles with ("workerd", "worker", "browser"), served by a
 * real workerd process from a config this test writes (one socket per configuration of test/edge/contract.ts, each
 * worker with its variables as text bindings), and called over loopback. The worker reaches the mock KServe on
 * loopback through a network service that allows 127.0.0.1 only (workerd's default allows public addresses only).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { MockKServe } from "kserve-client/testing";
import {
  EDGE_CONFIGS,
  type EdgeConfig,
  edgeEnv,
  edgeFunctionContract,
  expectHostRefused,
  expectNoNodeInBundle,
  HOST_PROBE,
} from "../edge/contract.js";
import { ServerProcess } from "./server-process.js";
import { runtimeWithMock } from "./with-mock.js";

// A date this workerd supports (it refuses dates after its own build).
const COMPATIBILITY_DATE = "2026-11-01";

let mock: MockKServe | undefined;
let workerd: ServerProcess | undefined;
let workDir: string | undefined;
let metafile: Metafile;
const ports = new Map<string, number>();

beforeAll(async () => {
  const consumerDir = inject("kserveConsumer");
  const ready = await runtimeWithMock("workerd", { cluster: false, grpc: false });
  mock = ready.mock;

  const bundle = {
    absWorkingDir: consumerDir,
    bundle: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
  } satisfies BuildOptions;
  const [example, probe] = await Promise.all([
    build({ ...bundle, entryPoints: ["node_modules/kserve-client/examples/edge/handler.mjs"] }),
    build({
      ...bundle,
      stdin: {
        resolveDir: consumerDir,
        loader: "js",
        contents: `${HOST_PROBE}
          export default {
            fetch(request, env) {
              return new Response(JSON.stringify({ userAgent: navigator.userAgent, host: JSON.parse(tryHost(env.KSERVE_URL)) }), { headers: { "content-type": "application/json" } });
            },
          };`,
      },
    }),
  ]);
  metafile = example.metafile;

  workDir = await mkdtemp(join(tmpdir(), "kserve-client-workerd-"));
  await writeFile(join(workDir, "edge.mjs"), example.outputFiles[0]!.text);
  await writeFile(join(workDir, "probe.mjs"), probe.outputFiles[0]!.text);
  const workers: [name: string, module: string, env: Record<string, string>][] = [
    ...EDGE_CONFIGS.map((config): [string, string, Record<string, string>] => [
      config,
      "edge.mjs",
      edgeEnv(config, mock!.url),
    ]),
    ["probe", "probe.mjs", { KSERVE_URL: mock!.url }],
  ];
  await writeFile(join(workDir, "config.capnp"), workerdConfig(workers));

  workerd = new ServerProcess(ready.binary.path, ["serve", "config.capnp", "--control-fd=3"], {
    cwd: workDir,
    env: { PATH: process.env["PATH"], HOME: process.env["HOME"] },
    controlFd: true,
  });
  // workerd reports each socket it listens on as a JSON line on the control fd: {"event":"listen","socket","port"}.
  await workerd.waitFor("workerd listening on every socket", ({ control }) => {
    for (const line of control.split("\n").filter(Boolean)) {
      const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
      if (event.event === "listen" && event.socket !== undefined && event.port !== undefined)
        ports.set(event.socket, event.port);
    }
    return workers.every(([name]) => ports.has(name)) ? true : undefined;
  });
});

afterAll(async () => {
  await workerd?.stop();
  await mock?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

/** The capnp config: a worker and a loopback socket (any free port) for each entry, one network service out. */
function workerdConfig(workers: readonly [name: string, module: string, env: Record<string, string>][]): string {
  const services = workers.map(([name], i) => `(name = "${name}", worker = .w${i})`);
  const sockets = workers.map(
    ([name]) => `(name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}")`,
  );
  const definitions = workers.map(([, module, env], i) => {
    const bindings = Object.entries(env).map(
      ([key, value]) => `(name = ${JSON.stringify(key)}, text = ${JSON.stringify(value)})`,
    );
    return `const w${i} :Workerd.Worker = (
  modules = [(name = "${module}", esModule = embed "${module}")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [${bindings.join(", ")}],
  globalOutbound = "loopback",
);`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${[...services, '(name = "loopback", network = (allow = ["127.0.0.1/32"]))'].join(",\n    ")},
  ],
  sockets = [
    ${sockets.join(",\n    ")},
  ],
);
${definitions.join("\n")}
`;
}

function workerdFetch(config: EdgeConfig | "probe", path: string, init?: RequestInit): Promise<Response> {
  const port = ports.get(config);
  if (port === undefined)
    return Promise.reject(new Error(`workerd has no socket for ${config} (see the beforeAll error)`));
  return fetch(`http://127.0.0.1:${port}${path}`, init);
}

describe("examples/edge in workerd", () => {
  it("is served by workerd: the worker's navigator.userAgent is Cloudflare-Workers", async () => {
    const res = await workerdFetch("probe", "/");
    expect(((await res.json()) as { userAgent: string }).userAgent).toBe("Cloudflare-Workers");
  });

  edgeFunctionContract({ mock: () => mock!, fetch: workerdFetch });
});

describe("the workerd bundle", () => {
  it("is the SDK's fetch build from the tarball (dist/index.js): no Node build, no undici, no Node built-in", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain("node_modules/kserve-client/examples/edge/handler.mjs");
    expect(inputs).toContain("node_modules/kserve-client/dist/index.js");
    expectNoNodeInBundle(metafile, (path) => /\.node\.js$/.test(path));
  });

  it("in workerd, createV2Client refuses `host` with a ConfigError that says fetch cannot present Host", async () => {
    const res = await workerdFetch("probe", "/");
    expectHostRefused(((await res.json()) as { host: Record<string, unknown> }).host);
  });
});
