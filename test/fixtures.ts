import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One exchange captured from a real server (test/fixtures/<server>/<name>.json). */
export interface Exchange {
  server: string;
  request: { method: string; path: string; headers: Record<string, string>; body?: Body };
  response: { status: number; headers: Record<string, string>; body?: Body };
}
type Body = { text: string } | { base64: string };

const root = fileURLToPath(new URL("./fixtures/kserve-0.14.1/", import.meta.url));

/** Load a captured KServe 0.14.1 exchange by file name (without .json). */
export function kserveFixture(name: string): Exchange {
  return JSON.parse(readFileSync(`${root}${name}.json`, "utf8")) as Exchange;
}

/** The body's bytes, whichever way the fixture stores it. */
export function bodyBytes(body: Body | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return "text" in body ? new TextEncoder().encode(body.text) : new Uint8Array(Buffer.from(body.base64, "base64"));
}
