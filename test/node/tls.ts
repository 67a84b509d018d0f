import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material made with openssl at test time: a CA, and certificates it signed. */
export interface TestPki {
  ca: string;
  /** A certificate and key for the given DNS names, signed by the CA. */
  issue(names: string[], usage?: "server" | "client"): { cert: string; key: string };
  dispose(): void;
}

/** A throwaway CA (EC P-256, valid one day) in a temp directory. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "kc-pki-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=kserve-client test CA");
  let serial = 0;
  return {
    ca: readFileSync(join(dir, "ca.pem"), "utf8"),
    issue(names, usage = "server") {
      const id = `leaf${++serial}`;
      openssl("req", ...ec, "-keyout", `${id}.key`, "-out", `${id}.csr`, "-subj", `/CN=${names[0] ?? "client"}`);
      const ext = [
        names.length > 0 ? `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}` : "",
        `extendedKeyUsage=${usage === "server" ? "serverAuth" : "clientAuth"}`,
      ].filter(Boolean);
      writeFileSync(join(dir, `${id}.ext`), `${ext.join("\n")}\n`);
      openssl("x509", "-req", "-in", `${id}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${id}.pem`, "-days", "1", "-extfile", `${id}.ext`);
      return { cert: readFileSync(join(dir, `${id}.pem`), "utf8"), key: readFileSync(join(dir, `${id}.key`), "utf8") };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
