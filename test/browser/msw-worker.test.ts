/**
 * kserve-client/testing in a real browser: its msw handlers behind msw's service worker in Chromium, the way a
 * front-end team tests a page that calls a model. The page is bundled for the browser from the package's
 * exports map (so it gets the browser build of kserve-client/testing) and served on loopback with msw's worker
 * script.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_FLAGS, chromiumPath } from "./chromium.js";

const ROOT = resolve(import.meta.dirname, "../..");

let site: Server;
let siteUrl: string;
let browser: Browser;
let inputs: string[];

beforeAll(async () => {
  const bundled = await build({
    entryPoints: [join(import.meta.dirname, "msw-page/main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    conditions: ["@kserve-client/source"],
    absWorkingDir: ROOT,
  });
  inputs = Object.keys(bundled.metafile.inputs);
  const files: Record<string, [string, string | Uint8Array]> = {
    "/": [
      "text/html",
      '<!doctype html><meta charset="utf-8"><title>msw</title><script type="module" src="/main.js"></script>',
    ],
    "/main.js": ["text/javascript", bundled.outputFiles[0]!.contents],
    "/mockServiceWorker.js": [
      "text/javascript",
      await readFile(join(ROOT, "node_modules/msw/lib/mockServiceWorker.js")),
    ],
  };
  site = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (file === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (site ? site.close(done) : done(undefined)));
});

describe("kserve-client/testing's msw handlers behind msw's service worker", () => {
  it("answer the page's V2 calls in the browser: iris classes, binary INT64 echo, a 404 for an unknown model", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(siteUrl);
    await page.waitForFunction(() => document.body.dataset["result"] !== undefined, undefined, { timeout: 30_000 });
    const result = JSON.parse((await page.evaluate(() => document.body.dataset["result"]))!) as Record<string, unknown>;
    await page.close();
    expect(errors).toEqual([]);
    expect(result).toEqual({
      classes: ["0", "1", "2"],
      echo: [String(2n ** 62n + 1n), String(-(2n ** 60n) - 3n)],
      missing: "not_found 404",
      server: expect.stringContaining("ConfigError: [invalid_argument] startMockKServe needs Node.js"),
    });
    expect(result["server"]).toContain("setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl }))");
  });

  it("the page's bundle holds the browser build of kserve-client/testing: no mock server, no Node built-in", () => {
    expect(inputs).toContain("src/testing/index.browser.ts");
    expect(
      inputs.filter(
        (input) =>
          input.startsWith("node:") || input.includes("src/testing/mock-server") || input.includes("src/node/"),
      ),
    ).toEqual([]);
  });
});
