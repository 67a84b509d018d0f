/**
 * The README is the user's guide: every value an entry point exports, and every method of the clients, is named
 * there (in backticks), so a new export cannot ship undocumented.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const mentioned = (name: string) =>
  new RegExp(`\`[^\`\\n]*\\b${name.replace(/[$]/g, "\\$")}\\b[^\`\\n]*\``).test(readme);

const entries = {
  "kserve-client": () => import("kserve-client"),
  "kserve-client/v1": () => import("kserve-client/v1"),
  "kserve-client/v2": () => import("kserve-client/v2"),
  "kserve-client/tensor": () => import("kserve-client/tensor"),
  "kserve-client/grpc": () => import("kserve-client/grpc"),
  "kserve-client/grpc/descriptors": () => import("kserve-client/grpc/descriptors"),
  "kserve-client/node": () => import("kserve-client/node"),
  "kserve-client/testing": () => import("kserve-client/testing"),
  "kserve-client/deploy": () => import("kserve-client/deploy"),
} as const;

describe("README.md names", () => {
  it.each(Object.keys(entries) as (keyof typeof entries)[])("every export of %s", async (entry) => {
    const names = Object.keys(await entries[entry]());
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !mentioned(name))).toEqual([]);
  });

  it("every method of the V2 and V1 clients", async () => {
    const { createV1Client, createV2Client } = await import("kserve-client");
    const methods = [
      ...Object.keys(createV2Client({ baseUrl: "http://127.0.0.1:1" })),
      ...Object.keys(createV1Client({ baseUrl: "http://127.0.0.1:1" })),
    ];
    expect(methods.length).toBeGreaterThan(10);
    expect(methods.filter((name) => !mentioned(name))).toEqual([]);
  });

  it("no file that is not in the package (DESIGN.md, PROTOCOL.md)", () => {
    expect(readme).not.toMatch(/DESIGN\.md|PROTOCOL\.md/);
  });

  it("no shipped file cites a document outside the repository: src and the shipped Markdown cite ARCHITECTURE.md", () => {
    const root = new URL("../../", import.meta.url);
    const shipped = [
      ...readdirSync(new URL("src/", root), { recursive: true, encoding: "utf8" }).map((file) => `src/${file}`),
      "ARCHITECTURE.md",
      "BENCHMARKS.md",
      "CONTRIBUTING.md",
      "RELIABILITY.md",
    ].filter((file) => /\.(ts|md|proto)$/.test(file));
    expect(shipped.length).toBeGreaterThan(100);
    const citing = shipped.filter((file) => /DESIGN\.md|PROTOCOL\.md/.test(readFileSync(new URL(file, root), "utf8")));
    expect(citing).toEqual([]);
  });
});
