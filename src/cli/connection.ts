/**
 * The server a command talks to, from its flags and the environment (`KSERVE_URL`, `KSERVE_HOST`, `KSERVE_TOKEN`):
 * a V2 REST, V1 or gRPC client with routing, a bearer token, a deadline and retries, and with `--verbose` a line
 * per attempt on stderr (method, URL, Host, status, time; never a credential).
 */
import type { Interceptor as ConnectInterceptor } from "@connectrpc/connect";
import {
  type CommonOptions,
  createV1Client,
  createV2Client,
  type Interceptor,
  type V1Client,
  type V2Client,
} from "kserve-client";
import { UsageError } from "./usage.js";

/** The flags every command that calls a server takes. */
export interface ConnectionFlags {
  url?: string | undefined;
  host?: string | undefined;
  token?: string | undefined;
  protocol?: string | undefined;
  timeout?: string | undefined;
  retries?: string | undefined;
  verbose?: boolean | undefined;
}

export type Protocol = "v2" | "v1" | "grpc";

/** Where calls go and how: the flags read, checked and defaulted. */
export interface Connection {
  url: string;
  host: string | undefined;
  protocol: Protocol;
  options: CommonOptions;
  /** Where `--verbose` lines go; undefined without it. */
  trace: ((line: string) => void) | undefined;
}

/** A whole number of at least `min` from a flag; a UsageError naming the flag otherwise. */
export function integerFlag(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${flag} ${text}: expected a whole number of at least ${min}.`);
  return value;
}

/** The connection the flags describe. */
export function connectionFrom(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  stderr: (line: string) => void,
): Connection {
  const url = flags.url ?? env["KSERVE_URL"];
  if (url === undefined || url === "") {
    throw new UsageError("No server: pass --url http://host:port (or set KSERVE_URL).");
  }
  const protocol = (flags.protocol ?? "v2").toLowerCase();
  if (protocol !== "v2" && protocol !== "v1" && protocol !== "grpc") {
    throw new UsageError(`--protocol ${flags.protocol}: expected v2, v1 or grpc.`);
  }
  const token = flags.token ?? env["KSERVE_TOKEN"];
  const timeoutMs = integerFlag(flags.timeout, "--timeout", 1);
  const retries = integerFlag(flags.retries, "--retries", 0);
  const options: CommonOptions = {
    ...(token ? { auth: { bearer: token } } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(retries === undefined ? {} : { retry: retries === 0 ? false : { maxRetries: retries } }),
  };
  const host = flags.host ?? (env["KSERVE_HOST"] || undefined);
  return { url, host, protocol, options, trace: flags.verbose ? stderr : undefined };
}

/** `--verbose` for REST: one line as each attempt leaves, one as its answer comes. */
function restTrace(trace: (line: string) => void): Interceptor {
  return (next) => async (request) => {
    const started = performance.now();
    trace(`> ${request.method} ${request.url}${request.host === undefined ? "" : ` (Host: ${request.host})`}`);
    try {
      const response = await next(request);
      trace(`< HTTP ${response.status}, ${response.body.byteLength} bytes in ${elapsed(started)}`);
      return response;
    } catch (error) {
      trace(`< failed after ${elapsed(started)}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

/** `--verbose` for gRPC: the same, with the method's URL, `:authority` and the gRPC status. */
function grpcTrace(trace: (line: string) => void, baseUrl: string, authority: string | undefined): ConnectInterceptor {
  return (next) => async (request) => {
    const started = performance.now();
    const url = /^https?:/.test(request.url) ? request.url : `${baseUrl.replace(/\/$/, "")}${request.url}`;
    trace(`> gRPC ${url}${authority === undefined ? "" : ` (:authority ${authority})`}`);
    try {
      const response = await next(request);
      trace(`< OK in ${elapsed(started)}`);
      return response;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      trace(`< gRPC status ${String(code ?? "?")} after ${elapsed(started)}`);
      throw error;
    }
  };
}

const elapsed = (started: number) => `${(performance.now() - started).toFixed(1)} ms`;

/** A V2 client over REST or gRPC; `close` ends the gRPC connection. */
export async function v2ClientFor(connection: Connection): Promise<{ client: V2Client; close(): void }> {
  const { url, host, options, trace } = connection;
  if (connection.protocol === "grpc") {
    const [{ createGrpcClient }, { createNodeGrpcTransport }] = await Promise.all([
      import("kserve-client/grpc"),
      import("kserve-client/node"),
    ]);
    const transport = createNodeGrpcTransport({ baseUrl: url, ...(host === undefined ? {} : { authority: host }) });
    const interceptors = trace === undefined ? [] : [grpcTrace(trace, url, host)];
    return { client: createGrpcClient({ ...options, transport, interceptors }), close: () => transport.close() };
  }
  const interceptors = trace === undefined ? [] : [restTrace(trace)];
  return { client: createV2Client({ ...options, baseUrl: url, host, interceptors }), close: () => {} };
}

/** A V1 client (REST). */
export function v1ClientFor(connection: Connection): V1Client {
  const { url, host, options, trace } = connection;
  return createV1Client({
    ...options,
    baseUrl: url,
    host,
    interceptors: trace === undefined ? [] : [restTrace(trace)],
  });
}
