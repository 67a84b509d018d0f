import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { chromiumPath } from "./test/browser/chromium.js";

// Tests import the package by name ("kserve-client/tensor"); this condition resolves those imports to the
// sources, so the exports map is exercised without a build. test/dist checks the built tarball instead.
const conditions = ["@kserve-client/source"];

// The browser project drives Debian's Chromium. On a developer machine without it the project is left out and
// says why (there is no half-run of it); CI sets KSERVE_REQUIRE_BROWSER=1 so a missing Chromium fails the run.
const requireBrowser = process.env["KSERVE_REQUIRE_BROWSER"] === "1";
const runBrowser = requireBrowser || existsSync(chromiumPath());
// Vitest reads this file more than once per run; say it once.
if (!runBrowser && process.env["KSERVE_BROWSER_NOTICE"] === undefined) {
  process.env["KSERVE_BROWSER_NOTICE"] = "shown";
  console.warn(
    `\n[kserve-client] The browser project is not run: no Chromium at ${chromiumPath()}. ` +
      "Install Debian's chromium (apt-get install chromium) or set KSERVE_CHROMIUM to a Chromium binary; CI requires it.\n",
  );
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
          exclude: ["test/dist/**", "test/edge/**", "test/browser/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "types",
          include: [],
          typecheck: { enabled: true, only: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "tsconfig.test.json" },
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
              test: { name: "browser", include: ["test/browser/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 120_000 },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: "dist",
          include: ["test/dist/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
