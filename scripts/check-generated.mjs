// CI: src/grpc/gen must be exactly what `npm run generate:grpc` makes from src/grpc/proto (nobody edits it by
// hand, nobody forgets to regenerate). Generates into a temporary directory and compares file by file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const committed = "src/grpc/gen";
const out = mkdtempSync(join(tmpdir(), "kserve-client-gen-"));
try {
  execFileSync("npx", ["--no-install", "buf", "generate", "--output", out], { stdio: "inherit" });
  const fresh = join(out, committed);
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(committed, name), "utf8") !== readFileSync(join(fresh, name), "utf8");
    } catch {
      return true; // present on one side only
    }
  });
  if (stale.length > 0) {
    console.error(
      `${committed} is out of date with src/grpc/proto: ${stale.join(", ")}. Run \`npm run generate:grpc\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`${committed} is up to date (${names.size} file${names.size === 1 ? "" : "s"}).`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
