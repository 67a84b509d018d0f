// @ts-check
// The classify endpoint of handler.mjs on Deno Deploy, or on any machine with Deno:
//
//   KSERVE_URL=https://sklearn-iris.kserve-test.example.com deno serve --allow-net --allow-env deno.mjs
//
// `deno serve` calls `fetch(request, info)`, with no `env` argument as on Cloudflare: the configuration
// (KSERVE_URL, KSERVE_MODEL, KSERVE_TIMEOUT_MS) comes from Deno.env. Deno resolves kserve-client with the "deno"
// and "node" export conditions, so it loads the SDK's Node build, whose HTTP client (undici) reads its own settings
// from the environment: hence --allow-env for all variables, not only the three above.
import { handlerFromEnv } from "./handler.mjs";

/** @type {{ env: { toObject(): Record<string, string> } }} */
const deno = /** @type {any} */ (globalThis).Deno;

export default {
  /** @param {Request} request */
  fetch(request) {
    return handlerFromEnv(deno.env.toObject())(request);
  },
};
