import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { playwright } from "@vitest/browser-playwright";
import { defaultClientConditions, type Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { CHROMIUM_FLAGS, chromiumPath } from "./test/browser/chromium.js";

// Tests import the package by name ("kserve-client/tensor"); this condition resolves those imports to the
// sources, so the exports map is exercised without a build. test/dist checks the built tarball instead.
const conditions = ["@kserve-client/source"];

// The browser projects (browser, browser-mode) drive Debian's Chromium. On a developer machine without it they are
// left out and say why (there is no half-run of them); CI sets KSERVE_REQUIRE_BROWSER=1 so a missing Chromium fails
// the run.
const requireBrowser = process.env["KSERVE_REQUIRE_BROWSER"] === "1";
const runBrowser = requireBrowser || existsSync(chromiumPath());
// Vitest reads this file more than once per run; say it once.
if (!runBrowser && process.env["KSERVE_BROWSER_NOTICE"] === undefined) {
  process.env["KSERVE_BROWSER_NOTICE"] = "shown";
  console.warn(
    `\n[kserve-client] The browser projects (browser, browser-mode) are not run: no Chromium at ${chromiumPath()}. ` +
      "Install Debian's chromium (apt-get install chromium) or set KSERVE_CHROMIUM to a Chromium binary; CI requires it.\n",
  );
}

// msw's service worker script for the browser-mode project, served from Vite's publicDir the way an app serves
// it from public/. It is what `npx msw init <dir> --no-save` writes (a copy of msw/mockServiceWorker.js), made
// when the project's server starts rather than committed: the script must match the installed msw (a stale
// copy makes msw warn and can miss fixes), and msw's postinstall that would refresh a committed copy does not
// run where install scripts are off. Vitest 4 also answers /mockServiceWorker.js by itself, but as an internal
// that Vitest 5 dropped; a publicDir file is served first.
const MSW_PUBLIC_DIR = resolve(import.meta.dirname, "node_modules/.cache/kserve-client/msw-public");
function mswWorkerScript(dir: string): Plugin {
  return {
    name: "kserve-client:msw-worker-script",
    configResolved() {
      mkdirSync(dir, { recursive: true });
      copyFileSync(
        createRequire(import.meta.url).resolve("msw/mockServiceWorker.js"),
        join(dir, "mockServiceWorker.js"),
      );
    },
  };
}

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/dist/**", "test/edge/**", "test/browser/**", "test/browser-mode/**", "test/runtimes/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "types",
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ["test/types/**/*.test-d.ts"],
            tsconfig: "tsconfig.test.json",
          },
        },
      },
      {
        // Edge functions: the SDK bundled for edge runtimes and run inside the edge-runtime package's VM.
        extends: true,
        test: { name: "edge", include: ["test/edge/**/*.test.ts"], environment: "node" },
      },
      ...(runBrowser
        ? [
            {
              // The browser example, built with Vite and driven in headless Chromium through playwright-core.
              extends: true as const,
              test: {
                name: "browser",
                include: ["test/browser/**/*.test.ts"],
                environment: "node",
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
            {
              // Vitest browser mode: the test files themselves run in headless Chromium (Playwright provider,
              // Debian's Chromium: nothing downloads a browser), as users run msw's setupWorker in their suites.
              extends: true as const,
              plugins: [mswWorkerScript(MSW_PUBLIC_DIR)],
              publicDir: MSW_PUBLIC_DIR,
              // The browser conditions too, so kserve-client/testing resolves to its browser build (and msw/browser
              // to msw's), from the sources as in the other projects.
              resolve: { conditions: [...conditions, ...defaultClientConditions] },
              test: {
                name: "browser-mode",
                include: ["test/browser-mode/**/*.test.ts"],
                testTimeout: 30_000,
                hookTimeout: 60_000,
                browser: {
                  enabled: true,
                  headless: true,
                  provider: playwright({
                    launchOptions: {
                      executablePath: chromiumPath(),
                      // A request msw let through would fail here instead of asking DNS for a *.test name.
                      args: [...CHROMIUM_FLAGS, "--host-resolver-rules=MAP *.test ~NOTFOUND"],
                    },
                  }),
                  instances: [{ browser: "chromium" as const }],
                  screenshotFailures: false, // nothing visual here; a failure should not write files into test/
                },
              },
            },
          ]
        : []),
      {
        // The runtime matrix beyond the Node running the tests (`npm run test:runtimes`, which `npm test` leaves
        // out): the packed package in real processes of Node 22/24/26, Bun, Deno and workerd, fetched at pinned
        // versions by scripts/runtimes.mjs.
        extends: true,
        test: {
          name: "runtimes",
          include: ["test/runtimes/**/*.test.ts"],
          globalSetup: ["test/dist/pack.global.ts", "test/runtimes/consumer.global.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: "dist",
          include: ["test/dist/**/*.test.ts"],
          globalSetup: ["test/dist/pack.global.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
