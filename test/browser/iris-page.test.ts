/**
 * examples/browser in real Chromium: the page is built with Vite, served on loopback, and driven through
 * playwright-core. It calls an InferenceService of the mock cluster through the ingress gateway by its own
 * hostname (Chromium maps *.example.com to 127.0.0.1, as DNS would map it to the gateway), over V2 REST and
 * gRPC-web; and it shows the SDK's errors for a server without CORS and for `host` in a browser.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { build, createServer as createViteServer, defaultClientConditions, type Rollup } from "vite";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MockKServe, startMockKServe } from "kserve-client/testing";
import { deployIris } from "../e2e/deploy-iris.js";
import { CHROMIUM_FLAGS, chromiumPath } from "./chromium.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ARTIFACTS = join(ROOT, "test-artifacts", "browser");
const IRIS_ROWS = [
  { features: [5.1, 3.5, 1.4, 0.2], classId: "0", species: "setosa" },
  { features: [6.4, 3.2, 4.5, 1.5], classId: "1", species: "versicolor" },
  { features: [6.3, 3.3, 6.0, 2.5], classId: "2", species: "virginica" },
];
const SLIDERS = ["sepal-length", "sepal-width", "petal-length", "petal-width"];

let outDir: string;
let bundle: Rollup.OutputChunk[];
let site: Server;
let siteUrl: string;
let mock: MockKServe;
let modelUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath())) {
    throw new Error(
      `No Chromium at ${chromiumPath()}: install Debian's chromium (apt-get install chromium) or set KSERVE_CHROMIUM.`,
    );
  }
  outDir = await mkdtemp(join(tmpdir(), "kserve-browser-"));
  // The page as a user builds it, but from the sources (the same exports map, through the source condition).
  const output = await build({
    configFile: join(ROOT, "examples/browser/vite.config.mjs"),
    logLevel: "silent",
    resolve: { conditions: ["@kserve-client/source", ...defaultClientConditions] },
    build: { outDir, emptyOutDir: true },
  });
  bundle = (Array.isArray(output) ? output : [output as Rollup.RollupOutput])
    .flatMap((o) => o.output)
    .filter((f): f is Rollup.OutputChunk => f.type === "chunk");
  site = await serveStatic(outDir);
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

  mock = await startMockKServe({ cluster: { cors: true } });
  const host = await deployIris(mock, "iris-web");
  // The InferenceService's own URL, on the gateway's port: what DNS and a load balancer give a real browser.
  modelUrl = `http://${host}:${new URL(mock.ingressUrl).port}`;

  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_FLAGS, "--host-resolver-rules=MAP *.example.com 127.0.0.1"],
  });
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  await new Promise((done) => (site ? site.close(done) : done(undefined)));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const pageErrors: Error[] = [];
afterEach(() => {
  const errors = pageErrors.splice(0);
  expect(errors.map((error) => error.message)).toEqual([]);
});

async function openPage(query: Record<string, string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
  // Uncaught errors in the page fail the test that opened it (checked in afterEach).
  page.on("pageerror", (error) => pageErrors.push(error));
  await page.goto(`${siteUrl}/?${new URLSearchParams(query)}`);
  return page;
}

/** Wait until the page has settled on the answer to its latest call. */
async function settled(page: Page): Promise<"ok" | "error"> {
  await page.waitForFunction(() => {
    const state = document.getElementById("prediction")?.dataset["state"];
    return state === "ok" || state === "error";
  });
  return (await page.locator("#prediction").getAttribute("data-state")) as "ok" | "error";
}

async function setFeatures(page: Page, features: number[]): Promise<void> {
  for (const [i, id] of SLIDERS.entries()) await page.locator(`#${id}`).fill(String(features[i]));
  await settled(page);
}

describe("examples/browser in Chromium", () => {
  it("classifies the iris rows over V2 REST as the sliders move", async () => {
    const page = await openPage({ baseUrl: modelUrl, model: "iris-web" });
    expect(await settled(page)).toBe("ok");
    for (const row of IRIS_ROWS) {
      await setFeatures(page, row.features);
      expect(await page.locator("#species").textContent()).toBe(row.species);
      expect(await page.locator("#class-id").textContent()).toBe(row.classId);
      expect(await page.locator("#protocol").textContent()).toBe("V2 REST");
    }
    // A slider moved by keyboard, as a person would: petal width from 1.5 up to 1.8 turns versicolor into virginica.
    await setFeatures(page, IRIS_ROWS[1]!.features);
    expect(await page.locator("#species").textContent()).toBe("versicolor");
    await page.locator("#petal-width").focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.getElementById("species")?.textContent !== "versicolor");
    await settled(page);
    expect(await page.locator("#petal-width").inputValue()).toBe("1.8");
    expect(await page.locator("#species").textContent()).toBe("virginica");

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "iris-rest.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
    await page.close();
  });

  it("gives the same answers over gRPC-web after the switch, and the calls are gRPC-web", async () => {
    const page = await openPage({ baseUrl: modelUrl, model: "iris-web" });
    await settled(page);
    const grpcCalls: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/inference.GRPCInferenceService/ModelInfer"))
        grpcCalls.push(request.headers()["content-type"] ?? "");
    });
    await page.locator('input[name="protocol"][value="grpc-web"]').check();
    for (const row of IRIS_ROWS) {
      await setFeatures(page, row.features);
      expect(await page.locator("#species").textContent()).toBe(row.species);
      expect(await page.locator("#class-id").textContent()).toBe(row.classId);
      expect(await page.locator("#protocol").textContent()).toBe("gRPC-web");
    }
    expect(grpcCalls.length).toBeGreaterThanOrEqual(IRIS_ROWS.length);
    expect(new Set(grpcCalls)).toEqual(new Set(["application/grpc-web+proto"]));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "iris-grpc-web.png"), fullPage: true });
    await page.close();
  });

  it("explains a server without CORS instead of showing a bare 'Failed to fetch'", async () => {
    // The plain mock server has no CORS headers: Chromium blocks the answer, and fetch only says "Failed to fetch".
    const page = await openPage({ baseUrl: mock.url, model: "iris" });
    expect(await settled(page)).toBe("error");
    const error = page.locator("#error");
    expect(await error.getAttribute("data-name")).toBe("ConnectionError");
    expect(await error.getAttribute("data-code")).toBe("unavailable");
    const message = (await error.textContent()) ?? "";
    expect(message).toContain(`Could not reach ${mock.url}/v2/models/iris/infer`);
    expect(message).toContain("Failed to fetch");
    expect(message).toMatch(/server without CORS headers for this origin/);
    await page.close();
  });

  it("explains a server without CORS over gRPC-web too", async () => {
    const page = await openPage({ baseUrl: mock.url, model: "iris" });
    await settled(page);
    await page.locator('input[name="protocol"][value="grpc-web"]').check();
    await page.waitForFunction(() => document.getElementById("protocol")?.textContent === "gRPC-web");
    expect(await settled(page)).toBe("error");
    const error = page.locator("#error");
    expect(await error.getAttribute("data-name")).toBe("ConnectionError");
    expect(await error.textContent()).toMatch(/CORS/);
    await page.close();
  });

  it("refuses host in a browser with a ConfigError that says what to do", async () => {
    const page = await openPage({
      baseUrl: mock.ingressUrl,
      model: "iris-web",
      host: "iris-web.kserve-test.example.com",
    });
    expect(await settled(page)).toBe("error");
    const error = page.locator("#error");
    expect(await error.getAttribute("data-name")).toBe("ConfigError");
    expect(await error.getAttribute("data-code")).toBe("invalid_argument");
    const message = (await error.textContent()) ?? "";
    expect(message).toContain('host ("iris-web.kserve-test.example.com")');
    expect(message).toMatch(/baseUrl/);
    await page.close();
  });

  it("works through the Vite dev server's proxy, which presents the InferenceService's Host for the page", async () => {
    // What the ConfigError advises: a same-origin proxy to the gateway, here the example's `vite` dev setup.
    process.env["KSERVE_URL"] = mock.ingressUrl;
    process.env["KSERVE_HOST"] = new URL(modelUrl).hostname;
    const dev = await createViteServer({
      configFile: join(ROOT, "examples/browser/vite.config.mjs"),
      logLevel: "silent",
      resolve: { conditions: ["@kserve-client/source", ...defaultClientConditions] },
      server: { host: "127.0.0.1", port: 0 },
    });
    try {
      await dev.listen();
      const address = dev.httpServer!.address() as AddressInfo;
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${address.port}/?model=iris-web`);
      for (const protocol of ["rest", "grpc-web"]) {
        await page.locator(`input[name="protocol"][value="${protocol}"]`).check();
        await setFeatures(page, IRIS_ROWS[2]!.features);
        expect(await page.locator("#error").textContent()).toBe("");
        expect(await page.locator("#species").textContent()).toBe("virginica");
      }
      await page.close();
    } finally {
      delete process.env["KSERVE_URL"];
      delete process.env["KSERVE_HOST"];
      await dev.close();
    }
  });

  it("bundles no Node built-in and no undici", () => {
    const modules = bundle.flatMap((chunk) => chunk.moduleIds);
    expect(modules.some((id) => id.includes("/src/v2/"))).toBe(true);
    expect(modules.some((id) => id.includes("/@connectrpc/connect-web/"))).toBe(true);
    // Vite swaps a Node built-in for an empty "__vite-browser-external" module (with a warning): look for both.
    expect(
      modules.filter(
        (id) =>
          id.startsWith("node:") ||
          id.includes("vite-browser-external") ||
          /^(fs|path|http2?|https|net|tls|stream|zlib|crypto)$/.test(id),
      ),
    ).toEqual([]);
    expect(modules.filter((id) => id.includes("/node_modules/undici/") || id.includes("/src/node/"))).toEqual([]);
    for (const chunk of bundle) expect(chunk.code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });
});

/** The built page, served as a static site would serve it. */
async function serveStatic(root: string): Promise<Server> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = join(root, path === "/" ? "index.html" : path);
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res
        .writeHead(200, { "content-type": types[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream" })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return server;
}
