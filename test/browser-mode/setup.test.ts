/// <reference types="vite/client" />
/**
 * What the browser-mode project promises msw.test.ts, checked from inside the page: kserve-client/testing is its
 * browser build, msw runs as a real service worker whose script is the installed msw's own (what
 * `msw init <dir> --no-save` writes, served from publicDir; not Vitest 4's internal copy, which Vitest 5 drops),
 * and a request no handler takes stops at msw with onUnhandledRequest "error" instead of going out.
 */
import { setupWorker } from "msw/browser";
import installedWorkerScript from "msw/mockServiceWorker.js?raw";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, createV2Client, HttpError, Tensor } from "kserve-client";
import { createFakeModels, createKServeHandlers, startMockKServe } from "kserve-client/testing";

const baseUrl = "http://models.kserve.test";
const worker = setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl }));

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: "error" }));
afterAll(() => worker.stop());

describe("the browser-mode project", () => {
  it("runs in a browser, where kserve-client/testing is its browser build (no mock servers)", async () => {
    expect(typeof window).toBe("object");
    const error = await startMockKServe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("startMockKServe needs Node.js");
  });

  it("serves msw's service worker script from publicDir, byte for byte the installed msw's", async () => {
    const served = await fetch("/mockServiceWorker.js");
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(installedWorkerScript);
    expect(navigator.serviceWorker.controller?.scriptURL).toBe(new URL("/mockServiceWorker.js", location.href).href);
  });

  it("stops a request no handler takes at msw: an error answer, logged, nothing sent on", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const res = await fetch(`${baseUrl}/not-a-kserve-route`);
      expect(res.status).toBe(500);
      expect(res.statusText).toBe("Request Handler Error");
      expect(logged.mock.calls.flat().join(" ")).toContain("intercepted a request without a matching request handler");
      // The SDK sees that answer as a server error, so a test that strays fails.
      const strayed = await createV2Client({ baseUrl: "http://elsewhere.kserve.test", retry: false })
        .infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] })
        .catch((e: unknown) => e);
      expect(strayed).toBeInstanceOf(HttpError);
      expect(strayed).toMatchObject({ status: 500 });
    } finally {
      logged.mockRestore();
      warned.mockRestore();
    }
  });
});
