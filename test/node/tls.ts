import { execFileSync, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { listenOnLoopback } from "../helpers.js";
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
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=kserve-client test CA",
  );
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
      openssl(
        "x509",
        "-req",
        "-in",
        `${id}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${id}.pem`,
        "-days",
        "1",
        "-extfile",
        `${id}.ext`,
      );
      return { cert: readFileSync(join(dir, `${id}.pem`), "utf8"), key: readFileSync(join(dir, `${id}.key`), "utf8") };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * OpenSSL's own TLS server (`openssl s_server -www`) on 127.0.0.1, asking for a client certificate from
 * `clientCa`. Unlike Node's server, which closes without a word, it answers a certificate it does not trust
 * with the TLS alert servers such as Envoy and nginx send (unknown_ca). `alpn: "h2"` lets an HTTP/2 client get
 * that far.
 */
export async function startOpensslServer(
  identity: { cert: string; key: string },
  clientCa: string,
  options: { alpn?: string } = {},
): Promise<{ port: number; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "kc-s-server-"));
  writeFileSync(join(dir, "cert.pem"), identity.cert);
  writeFileSync(join(dir, "key.pem"), identity.key);
  writeFileSync(join(dir, "ca.pem"), clientCa);
  // A port that was free a moment ago: s_server cannot report the one it picked.
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const port = (probe.address() as { port: number }).port;
  await new Promise((done) => probe.close(done));
  const server = spawn(
    "openssl",
    [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      "cert.pem",
      "-key",
      "key.pem",
      "-CAfile",
      "ca.pem",
      "-Verify",
      "1",
      "-verify_return_error",
      "-www",
      "-quiet",
      ...(options.alpn === undefined ? [] : ["-alpn", options.alpn]),
    ],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  server.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // Ready once a connection is accepted: retry connecting for up to 5 s.
  for (let started = Date.now(); ; ) {
    const up = await new Promise<boolean>((done) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), done(true)));
      socket.once("error", () => done(false));
    });
    if (up) break;
    if (server.exitCode !== null || Date.now() - started > 5000)
      throw new Error(`openssl s_server did not start: ${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    port,
    close: () => {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TLS front on 127.0.0.1 for a plain-text server, as a gateway's HTTPS listener is: it terminates TLS with
 * `identity`, notes the SNI name of each connection, and passes the bytes on to `target` unchanged (so Host
 * routing behind it still works).
 */
export async function startTlsProxy(
  identity: { cert: string; key: string },
  target: { port: number },
): Promise<{ port: number; servernames: (string | false | null)[]; close(): Promise<void> }> {
  const servernames: (string | false | null)[] = [];
  const open = new Set<{ destroy(): void }>();
  const server = createTlsServer(identity, (socket) => {
    servernames.push(socket.servername);
    const upstream = connect(target.port, "127.0.0.1");
    for (const end of [socket, upstream]) {
      open.add(end);
      end.on("close", () => open.delete(end));
      end.on("error", () => (socket.destroy(), upstream.destroy()));
    }
    socket.pipe(upstream).pipe(socket);
  });
  return {
    port: await listenOnLoopback(server),
    servernames,
    close: async () => {
      for (const end of open) end.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
