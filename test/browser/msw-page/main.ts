/**
 * A page that tests its model calls the way a front-end team does: msw's service worker answers them from
 * kserve-client/testing's fake models, so nothing leaves the browser. The test reads what it shows.
 */
import { setupWorker } from "msw/browser";
import { createV2Client, isKServeError, Tensor } from "kserve-client";
import { createFakeModels, createKServeHandlers, startMockKServe } from "kserve-client/testing";

// No such host exists: only the service worker can answer.
const baseUrl = "http://models.kserve.test";

async function run(): Promise<Record<string, unknown>> {
  const worker = setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl }));
  await worker.start({ quiet: true, onUnhandledRequest: "error", serviceWorker: { url: "/mockServiceWorker.js" } });
  const client = createV2Client({ baseUrl, retry: false });

  const iris = await client.infer("iris-classifier", {
    inputs: [Tensor.fp32("input-0", [3, 4], [5.1, 3.5, 1.4, 0.2, 6.4, 3.2, 4.5, 1.5, 6.3, 3.3, 6.0, 2.5])],
  });
  // Binary both ways, with INT64 values JavaScript numbers cannot hold.
  const echo = await client.infer(
    "echo",
    { inputs: [Tensor.int64("x", [2], [2n ** 62n + 1n, -(2n ** 60n) - 3n])] },
    { binary: "always" },
  );
  const missing = await client.infer("no-such-model", { inputs: [Tensor.fp32("x", [1], [1])] }).then(
    () => "answered",
    (error: unknown) => (isKServeError(error) ? `${error.code} ${error.status}` : String(error)),
  );
  const server = await startMockKServe().then(
    () => "started",
    (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
  );
  return {
    classes: Array.from(iris.output("output-0", "INT64").data, String),
    echo: Array.from(echo.output("x", "INT64").data, String),
    missing,
    server,
  };
}

run().then(
  (result) => (document.body.dataset["result"] = JSON.stringify(result)),
  (error: unknown) =>
    (document.body.dataset["result"] = JSON.stringify({
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    })),
);
