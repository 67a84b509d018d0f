/**
 * Issue 24: the `kserve-client` bin as users get it: the packed tarball installed, `node_modules/.bin/kserve-client`
 * spawned against the mock KServe on loopback. Every command, every exit code, exact JSON, stdin, Host routing through
 * the mock's ingress, gRPC, a failing deploy, typegen's module type-checked by tsc and used by a typed call, a real
 * pseudo-terminal (Debian's `script`) for the table and the status line, and no ANSI codes when piped.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJson } from "kserve-client/tensor";
import { irisModelFile, IRIS_MODEL_FILE_NAME, type MockKServe, startMockKServe } from "kserve-client/testing";
import { type PackedPackage, packAndInstall, probeEnv, REPO_ROOT, run } from "./helpers.js";

let packed: PackedPackage;
let mock: MockKServe;
let bin: string;
let kubeconfig: string;
let modelDir: string;

beforeAll(async () => {
  [packed, mock] = await Promise.all([packAndInstall(), startMockKServe()]);
  // deploy's peer, as a user of the deploy commands installs it.
  await run("npm", ["install", "@kubernetes/client-node@~1.4.0", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: packed.consumerDir,
    timeoutMs: 300_000,
  });
  bin = join(packed.consumerDir, "node_modules", ".bin", "kserve-client");
  kubeconfig = join(packed.consumerDir, "kubeconfig");
  await writeFile(kubeconfig, mock.kubeconfig);
  modelDir = join(packed.consumerDir, "iris-model");
  await mkdir(modelDir);
  await writeFile(join(modelDir, IRIS_MODEL_FILE_NAME), irisModelFile());
});

afterAll(async () => {
  await Promise.all([packed?.cleanup(), mock?.close()]);
});

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the bin with `args`, `input` on stdin; never through a shell. */
function cli(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: packed.consumerDir, env: { ...probeEnv(), NO_COLOR: undefined, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Run `command` (a shell line) in a real pseudo-terminal with Debian's `script`; what the terminal showed. */
async function inTerminal(command: string): Promise<{ code: number; output: string }> {
  const { code, stdout } = await run("script", ["-qec", command, "/dev/null"], {
    cwd: packed.consumerDir,
    timeoutMs: 60_000,
    env: { ...probeEnv(), TERM: "xterm", COLUMNS: "120" },
    allowFailure: true,
  });
  return { code, output: stdout };
}

const ANSI = /\x1b\[/;

describe("infer", () => {
  it("prints the V2 answer as JSON when piped, and exits 0", async () => {
    const r = await cli(["infer", "iris-classifier", "--url", mock.url, "--data", "[[6.8, 2.8, 4.8, 1.4], [5.1, 3.5, 1.4, 0.2]]"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      model_name: "iris-classifier",
      outputs: [{ name: "output-0", datatype: "INT64", shape: [2], data: [1, 0] }],
    });
    expect(r.stdout).not.toMatch(ANSI);
  });

  it("keeps INT64 beyond 2^53 exact through the echo model, over REST, gRPC and the binary extension", async () => {
    const data = "[9007199254740993, -9223372036854775808]";
    for (const extra of [[], ["--binary"], ["--protocol", "grpc", "--url", mock.grpcUrl!]]) {
      const r = await cli(["infer", "echo", "--url", mock.url, "--datatype", "INT64", "--name", "ids", "--data", data, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('"data":[9007199254740993,-9223372036854775808]');
      expect(parseJson(r.stdout)).toMatchObject({ outputs: [{ data: [9007199254740993n, -9223372036854775808n] }] });
    }
  });

  it("reads a whole V2 body from stdin, and a V1 body for --protocol v1", async () => {
    const body = '{"inputs":[{"name":"ids","datatype":"UINT64","shape":[1],"data":[18446744073709551615]}]}';
    const v2 = await cli(["infer", "echo", "--url", mock.url, "--request", "-"], { input: body });
    expect(v2.code, v2.stderr).toBe(0);
    expect(v2.stdout).toContain('"datatype":"UINT64","shape":[1],"data":[18446744073709551615]');
    const v1 = await cli(["infer", "iris-classifier", "--url", mock.url, "--protocol", "v1", "--request", "-"], {
      input: '{"instances":[[6.8, 2.8, 4.8, 1.4]]}',
    });
    expect(v1.code, v1.stderr).toBe(0);
    expect(v1.stdout).toBe('{"predictions":[1]}\n');
    const flags = await cli(["infer", "iris-classifier", "--url", mock.url, "--protocol", "v1", "--data", "[[5.1, 3.5, 1.4, 0.2]]"]);
    expect(flags.stdout).toBe('{"predictions":[0]}\n');
  });

  it("with --verbose shows each attempt (method, URL, Host, status) on stderr, never the token", async () => {
    const r = await cli(["infer", "iris-classifier", "--url", mock.url, "--verbose", "--data", "[[1, 2, 3, 4]]"], {
      env: { KSERVE_TOKEN: "s3cret-token", KSERVE_HOST: "iris.example.com" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`> POST ${mock.url}/v2/models/iris-classifier/infer (Host: iris.example.com)`);
    expect(r.stderr).toMatch(/< HTTP 200, \d+ bytes in \d+\.\d ms/);
    expect(r.stderr + r.stdout).not.toContain("s3cret");
    expect(mock.requests.at(-1)?.headers).toMatchObject({ authorization: "Bearer s3cret-token", host: "iris.example.com" });
  });

  it("prints a table with --output table, without ANSI codes when piped", async () => {
    const r = await cli(["infer", "iris-classifier", "--url", mock.url, "--output", "table", "--data", "[[6.8, 2.8, 4.8, 1.4]]"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("output-0  INT64  [1]");
    expect(r.stdout).toContain("┌");
    expect(r.stdout).not.toMatch(ANSI);
  });

  it("fails with exit 1 and error[code] for a model error and an unreachable server, with a hint", async () => {
    const model = await cli(["infer", "iris-classifier", "--url", mock.url, "--data", "[[1, 2, 3]]"]);
    expect(model.code).toBe(1);
    expect(model.stderr).toContain("error[internal]: X has 3 features, but SVC is expecting 4 features as input.");
    const down = await cli(["infer", "iris-classifier", "--url", "http://127.0.0.1:1", "--retries", "0", "--data", "[1]"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error\[unavailable\]: .*\nhint: Is the server running/);
  });
});

describe("usage errors exit 2 with the usage line", () => {
  it.each([
    ["an unknown command", ["predict"], "error[usage]: unknown command 'predict'"],
    ["an unknown flag", ["infer", "m", "--bogus"], "error[usage]: unknown option '--bogus'"],
    ["bad JSON", ["infer", "m", "--url", "http://127.0.0.1:1", "--data", "[1,"], "error[usage]: --data is not JSON"],
    ["no URL", ["infer", "m", "--data", "[1]"], "error[usage]: No server: pass --url http://host:port (or set KSERVE_URL)."],
    ["no data", ["infer", "m", "--url", "http://127.0.0.1:1"], "error[usage]: Give the input with --data <json>"],
  ])("%s", async (_what, args, message) => {
    const r = await cli(args, { env: { KSERVE_URL: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    if (_what.startsWith("an unknown")) expect(r.stderr).toMatch(/Usage: kserve-client/);
  });

  it("--version and --help exit 0", async () => {
    const version = await cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((packed.manifest as unknown as { version: string }).version);
    const help = await cli(["infer", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: kserve-client infer [options] <model>");
  });
});

describe("inspecting", () => {
  it("ready exits 0 for a ready model and 1 for one that is not; live; over REST, gRPC and V1", async () => {
    expect(await cli(["ready", "iris-classifier", "--url", mock.url])).toMatchObject({ code: 0, stdout: "ready\n" });
    expect(await cli(["ready", "nope", "--url", mock.url])).toMatchObject({ code: 1, stdout: "not ready\n" });
    expect(await cli(["ready", "echo", "--url", mock.grpcUrl!, "--protocol", "grpc"])).toMatchObject({ code: 0 });
    expect(await cli(["ready", "echo", "--url", mock.url, "--protocol", "v1"])).toMatchObject({ code: 0 });
    expect(await cli(["live", "--url", mock.url])).toMatchObject({ code: 0, stdout: "live\n" });
  });

  it("metadata prints the model's V2 metadata; models lists a V1 server's", async () => {
    const metadata = await cli(["metadata", "iris-onnx", "--url", mock.url]);
    expect(metadata.code, metadata.stderr).toBe(0);
    expect(JSON.parse(metadata.stdout)).toMatchObject({ name: "iris-onnx", inputs: [{ name: "input-0", shape: [-1, 4] }] });
    const models = await cli(["models", "--url", mock.url]);
    expect(JSON.parse(models.stdout)).toEqual(expect.arrayContaining(["iris-classifier", "echo", "iris-onnx"]));
    const v1 = await cli(["metadata", "iris-onnx", "--url", mock.url, "--protocol", "v1"]);
    expect(v1.code).toBe(2);
  });

  it("wait exits 0 once ready, and 1 with error[deadline_exceeded] naming the last answer", async () => {
    expect(await cli(["wait", "iris-classifier", "--url", mock.url, "--timeout", "10000"])).toMatchObject({ code: 0, stdout: "ready\n" });
    const never = await cli(["wait", "nope", "--url", mock.url, "--timeout", "600"]);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain("error[deadline_exceeded]:");
    expect(never.stderr).toContain("waiting for nope: check 1");
  });
});

describe("typegen", () => {
  it("writes a module from V2 metadata that tsc accepts and a typed call uses", async () => {
    const out = join(packed.consumerDir, "iris-onnx.signature.mts");
    const r = await cli(["typegen", "iris-onnx", "--url", mock.url, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const module = await readFile(out, "utf8");
    expect(module).toContain('"input-0": { datatype: "FP32", shape: [-1, 4] },');
    const use = join(packed.consumerDir, "use-signature.mts");
    await writeFile(
      use,
      `import { createModelClient, createV2Client } from "kserve-client";
import { irisOnnxSignature } from "./iris-onnx.signature.mjs";

declare const process: { argv: string[] };

const iris = createModelClient(createV2Client({ baseUrl: process.argv[2]! }), "iris-onnx", irisOnnxSignature);
const res = await iris.infer({ "input-0": [[6.8, 2.8, 4.8, 1.4]] });
const classes: BigInt64Array = res.output("output-0").data;
console.log(String(classes[0]));
// @ts-expect-error "input-1" is not an input of the model
await iris.infer({ "input-1": [[1, 2, 3, 4]] }).catch((error: Error) => console.log(error.name));
`,
    );
    await writeFile(
      join(packed.consumerDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", target: "es2022", strict: true, noEmit: true, types: [], skipLibCheck: true },
        files: ["use-signature.mts", "iris-onnx.signature.mts"],
      }),
    );
    const tsc = await run(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: packed.consumerDir,
      timeoutMs: 120_000,
      allowFailure: true,
    });
    expect(tsc.code, tsc.stdout).toBe(0);
    // And the typed call runs: both modules transpiled as they are.
    for (const [from, to] of [
      [out, "iris-onnx.signature.mjs"],
      [use, "use-signature.mjs"],
    ] as const) {
      const js = ts.transpileModule(await readFile(from, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      await writeFile(join(packed.consumerDir, to), js);
    }
    const typed = await run(process.execPath, ["use-signature.mjs", mock.url], { cwd: packed.consumerDir, timeoutMs: 60_000, env: probeEnv() });
    expect(typed.stdout).toBe("1\nValidationError\n");
  });

  it("writes one from a sample call for a model with no metadata, and says to give one otherwise", async () => {
    const sample = await cli(["typegen", "iris-classifier", "--url", mock.url, "--data", "[[6.8, 2.8, 4.8, 1.4]]"]);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toContain("from one sample call");
    expect(sample.stdout).toContain('"output-0": { datatype: "INT64", shape: [-1] },');
    const none = await cli(["typegen", "iris-classifier", "--url", mock.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("publishes no inputs in its metadata");
  });
});

describe("deploy, get, delete", () => {
  const cluster = () => ["--kubeconfig", kubeconfig, "--namespace", "kserve-test"];

  it("deploys from flags with progress lines, prints the endpoint, and the model answers through the ingress by Host", async () => {
    const r = await cli([
      "deploy",
      "--name",
      "cli-iris",
      "--model-format",
      "sklearn",
      "--storage-uri",
      `file://${modelDir}`,
      "--ingress",
      mock.ingressUrl,
      ...cluster(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("InferenceService kserve-test/cli-iris created");
    expect(r.stderr).toContain("cli-iris: Ready=True");
    expect(r.stderr).not.toMatch(ANSI);
    const host = /--host (\S+)/.exec(r.stdout)?.[1];
    expect(host).toBe("cli-iris.kserve-test.example.com");
    expect(r.stdout).toContain(`kserve-client ready cli-iris --url ${mock.ingressUrl} --host ${host} --protocol v1`);
    const answer = await cli(["infer", "cli-iris", "--url", mock.ingressUrl, "--host", host!, "--protocol", "v1", "--data", "[[6.8, 2.8, 4.8, 1.4]]"]);
    expect(answer).toMatchObject({ code: 0, stdout: '{"predictions":[1]}\n' });
    const got = await cli(["get", "cli-iris", ...cluster()]);
    expect(JSON.parse(got.stdout)).toMatchObject({ metadata: { name: "cli-iris" }, status: { url: `http://${host}` } });
    expect(await cli(["delete", "cli-iris", ...cluster()])).toMatchObject({ code: 0 });
    expect(await cli(["get", "cli-iris", ...cluster()])).toMatchObject({ code: 1 });
    expect((await cli(["delete", "cli-iris", ...cluster()])).stderr).toContain("error[not_found]");
  });

  it("deploys a YAML manifest from stdin; a storage URI that fails is exit 1 with KServe's reason", async () => {
    const manifest = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: cli-broken
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: file:///no/such/model/dir
`;
    const r = await cli(["deploy", "-f", "-", "--timeout", "30000", ...cluster()], { input: manifest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[failed_precondition]: InferenceService kserve-test/cli-broken failed");
    expect(r.stderr).toContain("RuntimeError: Local path file:///no/such/model/dir does not exist.");
  });

  it("prints the OpenAI base URL for a generative model (KServe's Hugging Face runtime)", async () => {
    const r = await cli([
      "deploy",
      "--name",
      "cli-llm",
      "--model-format",
      "huggingface",
      "--storage-uri",
      "hf://Qwen/Qwen2.5-0.5B-Instruct",
      "--ingress",
      mock.ingressUrl,
      ...cluster(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`openai: baseURL ${mock.ingressUrl}/openai/v1, with createIngressFetch({ host: "cli-llm.kserve-test.example.com" })`);
  });

  it("applies without waiting with --no-wait; refuses a deploy without a manifest or its flags", async () => {
    const r = await cli(
      ["deploy", "--no-wait", "--name", "cli-later", "--model-format", "sklearn", "--storage-uri", `file://${modelDir}`, ...cluster()],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Applied; not waiting. Follow it with: kserve-client get cli-later");
    const missing = await cli(["deploy", "--name", "x", ...cluster()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("(missing --model-format, --storage-uri)");
  });
});

describe("on a terminal", () => {
  it("prints a table by default, and rewrites one status line while it waits", async () => {
    const table = await inTerminal(`${bin} infer iris-classifier --url ${mock.url} --data '[[6.8, 2.8, 4.8, 1.4]]'`);
    expect(table.code).toBe(0);
    expect(table.output).toContain("output-0  INT64  [1]");
    expect(table.output).toContain("┌");
    const wait = await inTerminal(`${bin} wait nope --url ${mock.url} --timeout 1500`);
    expect(wait.code).toBe(1);
    // readline's clearLine and cursorTo: the status line is erased and rewritten in place, not printed again.
    expect(wait.output).toContain("\x1b[2K");
    expect(wait.output).toContain("waiting for nope: check 2");
    expect(wait.output.split("waiting for nope").length - 1).toBeGreaterThan(1);
  });

  it("colours on a terminal, not with NO_COLOR, and not into a pipe even under CI", async () => {
    const ready = await inTerminal(`${bin} ready iris-classifier --url ${mock.url}`);
    expect(ready.output).toContain("\x1b[32mready\x1b[39m");
    const plain = await inTerminal(`NO_COLOR=1 ${bin} ready iris-classifier --url ${mock.url}`);
    expect(plain.output).not.toMatch(ANSI);
    const failed = await inTerminal(`${bin} ready nope --url http://127.0.0.1:1 --retries 0`);
    expect(failed.output).toContain("\x1b[31merror[unavailable]:\x1b[39m");
    const piped = await cli(["ready", "nope", "--url", "http://127.0.0.1:1", "--retries", "0"], { env: { CI: "true" } });
    expect(piped.stderr).toMatch(/^error\[unavailable\]:/);
    expect(piped.stderr + piped.stdout).not.toMatch(ANSI);
  });
});

describe("mock", () => {
  it("serves in the foreground, prints its URLs and example commands, and stops cleanly on SIGTERM", async () => {
    const child = spawn(bin, ["mock"], { cwd: packed.consumerDir, env: probeEnv() });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /models \(V1, V2 REST, gRPC-web\): (\S+)/.exec(stdout);
        if (found && stdout.includes("try:")) resolve(found[1]!);
      });
      child.on("exit", () => reject(new Error(`mock exited early: ${stderr}`)));
    });
    expect(stdout).toMatch(/kubeconfig: +\/\S+kubeconfig/);
    expect(stdout).toContain(`kserve-client infer iris-classifier --url ${url}`);
    expect(await cli(["live", "--url", url])).toMatchObject({ code: 0 });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("SIGTERM: stopping the mock");
  });
});
