/**
 * The README's TypeScript snippets, run as written in a fresh project outside the repository: the packed tarball
 * and the optional peers installed from the registry, each ```ts block compiled to a module there and run with
 * Node. A block is left out only when the line before its fence says `<!-- readme: not run (why) -->` (a
 * browser, certificates, a real cluster); `npm run check` still type-checks those.
 *
 * The snippets call a KServe model server at http://127.0.0.1:8080 (REST) and :8081 (gRPC), KServe's ports: this
 * test serves the mock KServe there, on free ports written into the snippets in place of 8080 and 8081, with the
 * iris model under the names the README uses too (sklearn-iris, as in KServe's docs).
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockKServe, type MockKServe } from "kserve-client/testing";
import { type PackedPackage, packAndInstall, probeEnv, REPO_ROOT, run } from "./helpers.js";

interface Snippet {
  /** 1-based, in README order. */
  index: number;
  /** The heading the block sits under. */
  section: string;
  code: string;
  /** Why it is not run, when the README says so. */
  notRun: string | undefined;
}

/** Every ```ts block of the README with its section and its not-run marker. */
function readmeSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  let section = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#")) section = line.replace(/^#+\s*/, "");
    if (line !== "```ts") continue;
    const marker = /^<!-- readme: not run \((.+)\) -->$/.exec(lines[i - 1] ?? "");
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md: the \`\`\`ts block at line ${i + 1} is not closed`);
    snippets.push({ index: snippets.length + 1, section, code: lines.slice(i + 1, end).join("\n"), notRun: marker?.[1] });
    i = end;
  }
  return snippets;
}

const snippets = readmeSnippets(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
const runnable = snippets.filter((s) => s.notRun === undefined);

/** What the snippets that print, print: the values their comments give (versicolor is class 1). */
const PRINTS: Record<string, string> = {
  "First call": "BigInt64Array(2) [ 1n, 1n ]\n",
  Tensors: "BigInt64Array(1) [ 1n ]\n1n\n",
  "Where it runs: Node, browsers, edge": "1n\n",
  // The mock's text model answers with the words of its prompt.
  "LLMs on KServe: OpenAI-compatible routes through the ingress": "Why is the sky blue?\n",
  "Batching many small calls (`createBatcher`)": "[ 1n, 0n, 2n ]\n1\n",
};

let packed: PackedPackage | undefined;
let mock: MockKServe | undefined;

beforeAll(async () => {
  const [packing, starting] = await Promise.allSettled([
    packAndInstall().then(async (pkg) => {
      // The deploy snippet's peer, the LLM snippet's client and the tracing snippet's OpenTelemetry SDK, besides
      // those packAndInstall installs.
      const extra = ["@kubernetes/client-node@~1.4.0", "openai@6", "@opentelemetry/sdk-trace-node@^2.12.1"];
      await run("npm", ["install", ...extra, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: pkg.consumerDir, timeoutMs: 300_000 });
      return pkg;
    }),
    startMockKServe({ cluster: false }),
  ]);
  if (packing.status === "fulfilled") packed = packing.value;
  if (starting.status === "fulfilled") mock = starting.value;
  if (packing.status === "rejected") throw packing.reason;
  if (starting.status === "rejected") throw starting.reason;
  const iris = mock!.models.get("iris-classifier")!;
  for (const name of ["sklearn-iris", "iris"]) mock!.models.add({ ...iris, name });
});

afterAll(async () => {
  await Promise.all([packed?.cleanup(), mock?.close()]);
});

describe("README.md's snippets", () => {
  it("are found, and each one left out says why", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    for (const s of snippets) if (s.notRun !== undefined) expect(s.notRun.length).toBeGreaterThan(5);
  });

  it.each(runnable.map((s) => [`${s.index} (${s.section})`, s] as const))("block %s runs as written against the packed package", async (_, snippet) => {
    if (packed === undefined || mock === undefined) throw new Error("no packed package or mock (see the beforeAll error)");
    const source = snippet.code.replaceAll("http://127.0.0.1:8080", mock.url).replaceAll("http://127.0.0.1:8081", mock.grpcUrl ?? "http://127.0.0.1:1");
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const file = join(packed.consumerDir, `readme-block-${snippet.index}.mjs`);
    await writeFile(file, outputText);
    const { code, stdout, stderr } = await run(process.execPath, [file], { cwd: packed.consumerDir, timeoutMs: 60_000, env: probeEnv(), allowFailure: true });
    expect(code, stderr).toBe(0);
    // What the snippets print is what their comments say.
    const printed = PRINTS[snippet.section];
    if (printed !== undefined && snippet.code.includes("console.log")) expect(stdout).toBe(printed);
  });
});
