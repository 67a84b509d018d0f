/**
 * Deno: the universal entries from the packed package, in a Deno process, against the mock KServe in Node.
 *
 * Deno resolves npm packages (here from the consumer's node_modules, as with `npm:` specifiers) with the "deno" and
 * "node" conditions, so it loads the Node build: undici runs on Deno's Node compatibility, and `host` routes as under
 * Node. It needs --allow-env (undici reads its settings from the environment) besides --allow-net.
 */
import { join } from "node:path";
import { describeUniversalEntries } from "./universal.js";

describeUniversalEntries({
  label: "Deno",
  name: "deno",
  // --no-remote: no module from the network; the network is loopback only.
  command: (probe, args) => ["run", "--no-remote", "--allow-net=127.0.0.1", "--allow-env", probe, ...args],
  // A cache of its own, and no check for a newer Deno.
  env: (consumerDir) => ({ DENO_DIR: join(consumerDir, ".deno"), DENO_NO_UPDATE_CHECK: "1" }),
  builds: {
    "kserve-client": "dist/index.node.js",
    "kserve-client/v1": "dist/v1/index.node.js",
    "kserve-client/v2": "dist/v2/index.node.js",
    "kserve-client/tensor": "dist/tensor/index.js",
    "kserve-client/grpc": "dist/grpc/index.node.js",
    "kserve-client/node": "dist/node/index.js",
  },
  host: "routes",
});
