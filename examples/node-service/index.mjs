// @ts-check
// Run the classify service: KSERVE_URL (the ingress gateway), KSERVE_HOST (the InferenceService's host from its
// status.url), KSERVE_MODEL (default sklearn-iris), PORT (default 3000). Then:
//   curl -s localhost:3000/classify -d '{"features":[6.8,2.8,4.8,1.4]}'
import { createClassifyService } from "./app.mjs";

const env = process.env;
if (env["KSERVE_URL"] === undefined) {
  console.error("Set KSERVE_URL to the ingress gateway (and KSERVE_HOST to the InferenceService's host).");
  process.exit(1);
}
const service = createClassifyService({
  baseUrl: env["KSERVE_URL"],
  host: env["KSERVE_HOST"],
  model: env["KSERVE_MODEL"] ?? "sklearn-iris",
  timeoutMs: 2000,
});
const port = Number(env["PORT"] ?? 3000);
service.listen(port, "127.0.0.1", () => console.log(`POST http://127.0.0.1:${port}/classify`));
