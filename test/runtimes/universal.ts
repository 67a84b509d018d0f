/**
 * The universal entries of the packed package in a runtime other than Node: probes/universal.mjs runs in that runtime
 * (a real process, from the consumer project that the global setup installed) against the mock KServe running here,
 * in the Node process of the test, and these tests check its report and what the mock saw.
 */
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Tensor } from "kserve-client";
import type { FakeModel, FaultAction, MockKServe } from "kserve-client/testing";
import { type RuntimeBinary, run } from "../dist/helpers.js";
import { runtimeWithMock } from "./with-mock.js";

export interface UniversalRuntime {
  /** The describe block's name. */
  label: string;
  /** The name scripts/runtimes.mjs knows it by. */
  name: "bun" | "deno";
  /** The command line that runs `probe` (a file in the consumer project) with `args`. */
  command: (probe: string, args: string[]) => string[];
  /** Extra environment variables. */
  env: (consumerDir: string) => Record<string, string>;
  /** The file each entry must load, relative to the package (which build the runtime took from the exports map). */
  builds: Record<string, string>;
  /** The build's answer to `host` and to createNodeHttpClient, checked here with the report and the mock. */
  host: "routes" | "refused";
}

const HOST = "sklearn-iris.kserve-test.example.com";
const BEYOND_2_53 = ["9007199254740993", "-9223372036854775808", "9223372036854775807"];

interface Outcome {
  value?: unknown;
  error?: {
    name: string;
    code?: string;
    message: string;
    isKServeError: boolean;
    instanceOf: string[];
    attempts?: number;
  };
}
type Report = { runtime: string; resolved: Record<string, string> } & Record<string, Outcome>;

/** An echo model that plays `faults` first. */
function scripted(name: string, faults: FaultAction[]): FakeModel {
  return { name, platform: "echo", inputs: [], outputs: [], ready: true, faults, infer: (inputs) => inputs };
}

export function describeUniversalEntries(target: UniversalRuntime): void {
  describe(target.label, () => {
    let mock: MockKServe | undefined;
    let report: Report;
    let binary: RuntimeBinary;

    beforeAll(async () => {
      const consumerDir = inject("kserveConsumer");
      ({ binary, mock } = await runtimeWithMock(target.name, { cluster: false, grpc: true }));
      const { models, url, grpcUrl } = mock;
      models.add(
        scripted("flaky", [
          { status: 503, headers: { "retry-after-ms": "20" } },
          { status: 503, headers: { "retry-after-ms": "20" } },
        ]),
      );
      models.add(scripted("slow", [{ hang: true }]));
      models.add(scripted("stuck", [{ hang: true }]));
      const probe = `universal-${target.name}.mjs`;
      await copyFile(join(import.meta.dirname, "probes", "universal.mjs"), join(consumerDir, probe));
      const { stdout } = await run(binary.path, target.command(probe, [url, grpcUrl!]), {
        cwd: consumerDir,
        timeoutMs: 120_000,
        env: { PATH: process.env["PATH"], HOME: process.env["HOME"], NO_COLOR: "1", ...target.env(consumerDir) },
      });
      report = JSON.parse(stdout.trim().split("\n").at(-1)!) as Report;
    });

    afterAll(async () => {
      await mock?.close();
    });

    const calls = (path: string) => mock!.requests.filter((r) => r.path === path);

    it("runs in that runtime, and each entry loads the build meant for it", () => {
      expect(report.runtime).toBe(`${target.name} ${binary.version}`);
      expect(report.resolved).toEqual(target.builds);
    });

    it("V2 over JSON and over the binary extension keeps INT64 beyond 2^53 exact", () => {
      expect(report["v2Json"]).toEqual({ value: { tag: "[object BigInt64Array]", values: BEYOND_2_53 } });
      expect(report["v2Binary"]).toEqual({ value: { id: "binary-call", values: BEYOND_2_53 } });
      // The first call went as JSON, the second as binary (its JSON header's length in a header of its own).
      const echo = calls("/v2/models/echo/infer");
      expect(
        echo.map((r) => [r.headers["content-type"], r.headers["inference-header-content-length"] !== undefined]),
      ).toEqual([
        ["application/json", false],
        ["application/octet-stream", true],
      ]);
    });

    it("V1 predict answers as the model does", () => {
      const [expected] = mock!.models.get("iris")!.infer([Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4])]);
      expect(report["v1Predict"]).toEqual({ value: [Number(expected!.at(0))] });
      expect(calls("/v1/models/iris:predict")).toHaveLength(1);
    });

    it("gRPC-web through connect-web, and native gRPC through createNodeGrpcTransport, keep INT64 exact", () => {
      expect(report["grpcWeb"]).toEqual({ value: BEYOND_2_53 });
      expect(report["grpcNative"]).toEqual({ value: BEYOND_2_53 });
    });

    it("a 503 is retried (honouring retry-after-ms) until the model answers", () => {
      expect(report["retried503"]).toEqual({ value: [7] });
      expect(calls("/v2/models/flaky/infer")).toHaveLength(3);
      expect(mock!.models.get("flaky")!.faults).toEqual([]);
    });

    it("a model that does not answer ends at the deadline with a TimeoutError", () => {
      expect(report["deadline"]?.error).toMatchObject({
        name: "TimeoutError",
        code: "deadline_exceeded",
        isKServeError: true,
        instanceOf: expect.arrayContaining(["TimeoutError", "KServeError"]),
      });
      expect(report["deadline"]?.error?.message).toMatch(/within 300 ms/);
      expect(calls("/v2/models/slow/infer")).toHaveLength(1);
    });

    it("the caller's signal cancels a call in flight with an AbortError", () => {
      expect(report["cancel"]?.error).toMatchObject({
        name: "AbortError",
        code: "canceled",
        isKServeError: true,
        instanceOf: expect.arrayContaining(["AbortError", "KServeError"]),
      });
    });

    if (target.host === "refused") {
      it("refuses `host` with a ConfigError (fetch cannot present Host), and so does createNodeHttpClient", () => {
        expect(report["host"]?.error).toMatchObject({
          name: "ConfigError",
          code: "invalid_argument",
          isKServeError: true,
          instanceOf: expect.arrayContaining(["ConfigError", "KServeError"]),
        });
        expect(report["host"]?.error?.message).toMatch(
          /needs an HttpClient that can present another hostname, and fetch cannot/,
        );
        expect(report["nodeHttpClient"]?.error).toMatchObject({ name: "ConfigError", code: "invalid_argument" });
        expect(report["nodeHttpClient"]?.error?.message).toMatch(/needs undici's dispatcher API/);
        expect(calls("/v2/health/live")).toEqual([]);
      });
    } else {
      it("routes by `host`: the request reaches baseUrl with the InferenceService's Host, and createNodeHttpClient works", () => {
        expect(report["host"]).toEqual({ value: { live: true } });
        expect(report["nodeHttpClient"]).toEqual({ value: { live: true } });
        const live = calls("/v2/health/live").map((r) => r.headers["host"]);
        expect(live).toEqual([HOST, new URL(mock!.url).host]);
      });
    }
  });
}
