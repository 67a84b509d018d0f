// @ts-check
// `npx vite examples/browser` serves the page for development. A browser cannot route by Host, so the dev server
// proxies the model's paths to the ingress gateway with the InferenceService's host:
//   KSERVE_URL=http://<ingress> KSERVE_HOST=sklearn-iris.default.example.com npx vite examples/browser
// `npx vite build examples/browser` writes the static page to examples/browser/dist.
import { defineConfig } from "vite";

const target = process.env["KSERVE_URL"];
const host = process.env["KSERVE_HOST"];

export default defineConfig({
  root: import.meta.dirname,
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  server: target === undefined ? {} : { proxy: proxyTo(target, host) },
});

/**
 * The model's REST and gRPC-web paths, forwarded to the gateway with the InferenceService's Host.
 * @param {string} target
 * @param {string | undefined} host
 */
function proxyTo(target, host) {
  // changeOrigin would overwrite the Host header with the gateway's own address, so it is only for no host.
  const options = host === undefined ? { target, changeOrigin: true } : { target, headers: { host } };
  return { "/v2": options, "/inference.GRPCInferenceService": options };
}
