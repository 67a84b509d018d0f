import { defineConfig } from "vitest/config";

// Tests import the package by name ("kserve-client/tensor"); this condition resolves those imports to the
// sources, so the exports map is exercised without a build. test/dist checks the built tarball instead.
const conditions = ["@kserve-client/source"];

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
          exclude: ["test/dist/**"],
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
