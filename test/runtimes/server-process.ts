/**
 * A runtime serving HTTP on loopback as a child process (workerd, `deno serve`): started, waited for until it says
 * where it listens, and stopped. What it printed goes into every error, so a runtime that fails to start says why.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface ServerProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Open a pipe as fd 3 for the runtime to report on (workerd's --control-fd=3). */
  controlFd?: boolean;
}

/** What the process printed so far. */
export interface ServerOutput {
  stdout: string;
  stderr: string;
  /** What it wrote on fd 3, with `controlFd`. */
  control: string;
}

export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly text: ServerOutput = { stdout: "", stderr: "", control: "" };
  private readonly exited: Promise<void>;
  private exit: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: ServerProcessOptions,
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe", ...(options.controlFd ? (["pipe"] as const) : [])],
    });
    const collect = (key: keyof ServerOutput) => (chunk: Buffer) => {
      this.text[key] += chunk.toString("utf8");
      for (const listener of this.listeners) listener();
    };
    this.child.stdout!.on("data", collect("stdout"));
    this.child.stderr!.on("data", collect("stderr"));
    if (options.controlFd) (this.child.stdio[3] as NodeJS.ReadableStream).on("data", collect("control"));
    this.exited = new Promise((resolve) => {
      const done = (why: string) => {
        this.exit ??= why;
        for (const listener of this.listeners) listener();
        resolve();
      };
      this.child.on("error", (error) => done(`could not start: ${error.message}`));
      this.child.on("exit", (code, signal) => done(`exited (${signal ?? `code ${code}`})`));
    });
  }

  /**
   * Resolves with `find`'s answer once it has one, looking again at each output. Rejects when the process ends
   * first, or after `limitMs` (a hang guard for a runtime that never gets ready, not a measure of its speed).
   */
  waitFor<T>(what: string, find: (output: ServerOutput) => T | undefined, limitMs = 60_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (result: { value: T } | { error: Error }) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if ("value" in result) resolve(result.value);
        else reject(result.error);
      };
      const check = () => {
        const found = find(this.text);
        if (found !== undefined) finish({ value: found });
        else if (this.exit !== undefined) finish({ error: this.failure(`${what}: the process ${this.exit} first`) });
      };
      const timer = setTimeout(() => finish({ error: this.failure(`${what}: not within ${limitMs} ms`) }), limitMs);
      this.listeners.add(check);
      check();
    });
  }

  /** An error naming the command, with the tail of what it printed. */
  failure(message: string): Error {
    const tail = (text: string) => text.trimEnd().split("\n").slice(-30).join("\n");
    return new Error(
      `${message}\n$ ${[this.command, ...this.args].join(" ")}\n--- stdout\n${tail(this.text.stdout)}\n--- stderr\n${tail(this.text.stderr)}`,
    );
  }

  /** SIGTERM, then SIGKILL if it is still there after 5 s; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.exit === undefined) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
