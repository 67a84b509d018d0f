#!/usr/bin/env node
/**
 * `npm run test:node24`: the unit and edge-runtime tests again, under Node 24 (the next LTS, which the SDK must
 * also support; the dist tests only load the built package there). Node 24 comes from npm's `node@24` package
 * (scripts/ensure-node24.mjs). Extra arguments go to vitest, e.g. a JSON reporter for CI.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureNode24 } from "./ensure-node24.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const node24 = await ensureNode24({ log: (line) => console.error(line) });
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const env = { ...process.env };
delete env["NODE_OPTIONS"]; // flags meant for the Node running npm may not suit Node 24
const child = spawn(node24, [vitest, "run", "--project", "unit", "--project", "edge", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
