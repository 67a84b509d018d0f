// Type-checks every ```ts block of README.md: each block becomes a module under .readme-check/ and is
// compiled against the package's sources (through the "@kserve-client/source" export condition), with the
// project's strict settings except noPropertyAccessFromIndexSignature, which typical user code does not set.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const outDir = `${root}.readme-check`;
const blocks = [...readFileSync(`${root}README.md`, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length === 0) throw new Error("README.md has no ```ts blocks to check");

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir);
blocks.forEach((code, i) => writeFileSync(`${outDir}/block-${i + 1}.ts`, `${code}\nexport {};\n`));
writeFileSync(
  `${outDir}/tsconfig.json`,
  JSON.stringify({
    extends: "../tsconfig.json",
    compilerOptions: { types: ["node"], noUnusedLocals: false, noPropertyAccessFromIndexSignature: false },
    include: ["*.ts"],
  }),
);
try {
  execFileSync(`${root}node_modules/.bin/tsc`, ["-p", `${outDir}/tsconfig.json`], { stdio: "inherit" });
  console.log(`README.md: ${blocks.length} TypeScript blocks type-check`);
} catch {
  console.error("README.md: a TypeScript block does not type-check (files in .readme-check/)");
  process.exitCode = 1;
}
