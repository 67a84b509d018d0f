/**
 * The `kserve-client` command line: the commands, their flags (commander), and how each ends (exit codes,
 * `error[code]: message` on stderr). `runCli` takes the process's streams or a test's.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Command, CommanderError, Option } from "commander";
import { signatureFromMetadata } from "kserve-client";
import {
  type Connection,
  type ConnectionFlags,
  connectionFrom,
  integerFlag,
  v1ClientFor,
  v2ClientFor,
} from "./connection.js";
import { colorsFor } from "./colors.js";
import { deleteCommand, deployCommand, getCommand, readSource } from "./deploy-command.js";
import { parseJsonFlag, type TensorFlags, tensorFromFlags, v1BodyFromJson, v2RequestFromBody } from "./input.js";
import type { CliIo } from "./io.js";
import { mockCommand } from "./mock-command.js";
import { v1ResultJson, v1ResultTable, v2ResultJson, v2ResultTable } from "./output.js";
import { progressOutput } from "./progress.js";
import { signatureFromSample, signatureModule } from "./typegen.js";
import { describeFailure, EXIT, exitCodeOf, UsageError } from "./usage.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

interface InferFlags extends ConnectionFlags, Partial<TensorFlags> {
  request?: string | undefined;
  binary?: boolean | undefined;
  output?: string | undefined;
  modelVersion?: string | undefined;
}

/** Run the command line `argv` (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const write = (text: string) => io.stdout.write(text);
  const trace = (line: string) => io.stderr.write(`${line}\n`);
  const connect = (flags: ConnectionFlags) => connectionFrom(flags, io.env, trace);

  const program = new Command("kserve-client")
    .description("Call, inspect, type, deploy and mock models served by KServe, Triton and MLServer.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: write,
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, writeErr) => writeErr(text.replace(/^error: /, "error[usage]: ")),
    })
    .showHelpAfterError();

  /** The flags of every command that calls a model server. */
  const serverFlags = (command: Command) =>
    command
      .option("--url <url>", "the model server or ingress address (or KSERVE_URL)")
      .option("--host <host>", "ingress routing: the InferenceService's hostname (or KSERVE_HOST)")
      .option("--token <token>", "a bearer token (or KSERVE_TOKEN); never printed")
      .addOption(new Option("--protocol <protocol>", "v2, v1 or grpc").default("v2"))
      .option("--timeout <ms>", "the whole call's deadline, retries included")
      .option("--retries <n>", "retries on 408, 429, 502, 503, 504 and failed connections (default 2)")
      .option("--verbose", "each attempt on stderr: method, URL, Host, status, time");
  const tensorFlags = (command: Command) =>
    command
      .option("--data <json>", "input data: a nested or flat JSON array (INT64 exact)")
      .option("--datatype <datatype>", "the input's datatype", "FP32")
      .option("--name <name>", "the input's name", "input-0")
      .option("--shape <dims>", "the input's shape, e.g. 1,4 (default: from the nesting)");
  const requireData = (flags: Partial<TensorFlags>): TensorFlags => {
    if (flags.data === undefined)
      throw new UsageError("Give the input with --data <json>, or a whole body with --request <file|->.");
    return flags as TensorFlags;
  };

  serverFlags(
    tensorFlags(program.command("infer").argument("<model>").description("Run one inference and print the answer.")),
  )
    .option("--request <file|->", "a whole V2 (or V1) request body as JSON, from a file or stdin")
    .option("--binary", "send and receive tensors with the binary tensor extension (V2 REST)")
    .addOption(
      new Option("--output <format>", "json (default when piped) or table (default on a terminal)").choices([
        "json",
        "table",
      ]),
    )
    .option("--model-version <version>", "call this version of the model (V2)")
    .action(async (model: string, flags: InferFlags) => {
      const connection = connect(flags);
      const table = (flags.output ?? (io.stdout.isTTY ? "table" : "json")) === "table";
      const body =
        flags.request === undefined
          ? undefined
          : parseJsonFlag(await readSource(flags.request, io, "--request"), "--request");
      if (connection.protocol === "v1") {
        const request = body === undefined ? { instances: tensorFromFlags(requireData(flags)) } : v1BodyFromJson(body);
        const result = await v1ClientFor(connection).predict(model, request);
        write(table ? v1ResultTable(result) : `${v1ResultJson(result)}\n`);
        return;
      }
      const request = body === undefined ? { inputs: [tensorFromFlags(requireData(flags))] } : v2RequestFromBody(body);
      await withV2(connection, async (client) => {
        const result = await client.infer(model, request, {
          ...(flags.binary ? { binary: "always" as const } : {}),
          ...(flags.modelVersion === undefined ? {} : { version: flags.modelVersion }),
        });
        write(table ? v2ResultTable(result) : `${v2ResultJson(result)}\n`);
      });
    });

  serverFlags(
    program.command("ready").argument("<model>").description("Is the model ready? Exit 0 if so, 1 if not."),
  ).action(async (model: string, flags: ConnectionFlags) => {
    const connection = connect(flags);
    const ready =
      connection.protocol === "v1"
        ? await v1ClientFor(connection).modelReady(model)
        : await withV2(connection, (client) => client.modelReady(model));
    const { green, yellow } = colorsFor(io.stdout, io.env);
    write(ready ? `${green("ready")}\n` : `${yellow("not ready")}\n`);
    if (!ready) exitCode = EXIT.failed;
  });

  serverFlags(program.command("live").description("Is the server live? Exit 0 if so, 1 if not.")).action(
    async (flags: ConnectionFlags) => {
      const connection = connect(flags);
      const live =
        connection.protocol === "v1"
          ? await v1ClientFor(connection).serverLive()
          : await withV2(connection, (client) => client.serverLive());
      write(live ? "live\n" : "not live\n");
      if (!live) exitCode = EXIT.failed;
    },
  );

  serverFlags(program.command("metadata").argument("<model>").description("The model's V2 metadata, as JSON.")).action(
    async (model: string, flags: ConnectionFlags) => {
      const connection = v2Only(connect(flags), "metadata");
      const metadata = await withV2(connection, (client) => client.modelMetadata(model));
      write(`${JSON.stringify(metadata, null, 2)}\n`);
    },
  );

  serverFlags(program.command("models").description("The models a V1 server serves (GET /v1/models).")).action(
    async (flags: ConnectionFlags) => {
      const names = await v1ClientFor(connect({ ...flags, protocol: "v1" })).listModels();
      write(io.stdout.isTTY ? `${names.join("\n")}\n` : `${JSON.stringify(names)}\n`);
    },
  );

  serverFlags(
    program.command("wait").argument("<model>").description("Wait until the model is ready (for scale-from-zero)."),
  ).action(async (model: string, flags: ConnectionFlags) => {
    const { timeout, ...rest } = flags;
    const timeoutMs = integerFlag(timeout, "--timeout", 1) ?? 300_000;
    const connection = connect(rest);
    const status = progressOutput(io.stderr);
    const onProgress = ({
      attempt,
      elapsedMs,
      error,
    }: {
      attempt: number;
      elapsedMs: number;
      error?: Error | undefined;
    }) =>
      status.status(
        `waiting for ${model}: check ${attempt}, ${(elapsedMs / 1000).toFixed(1)} s${error ? ` (${error.message})` : ""}`,
      );
    try {
      if (connection.protocol === "v1") throw new UsageError("wait polls V2 readiness: use --protocol v2 or grpc.");
      await withV2(connection, (client) => client.waitForModelReady(model, { timeoutMs, onProgress }));
    } finally {
      status.done();
    }
    write("ready\n");
  });

  serverFlags(tensorFlags(program.command("typegen").argument("<model>")))
    .description(
      "A TypeScript module with the model's signature, for createModelClient: from its metadata, or with --data from one sample call.",
    )
    .option("--out <file>", "write the module there instead of stdout")
    .action(async (model: string, flags: ConnectionFlags & Partial<TensorFlags> & { out?: string }) => {
      const connection = v2Only(connect(flags), "typegen");
      const text = await withV2(connection, async (client) => {
        if (flags.data !== undefined) {
          const input = tensorFromFlags(requireData(flags));
          const result = await client.infer(model, { inputs: [input] });
          return signatureModule(
            model,
            signatureFromSample([input], result),
            "one sample call (dimension 0 taken as the batch: -1)",
          );
        }
        const signature = signatureFromMetadata(await client.modelMetadata(model));
        if (Object.keys(signature.inputs).length === 0) {
          throw new UsageError(
            `Model "${model}" publishes no inputs in its metadata (KServe's own runtimes do not): give one sample call with --data <json> (and --datatype, --name).`,
          );
        }
        return signatureModule(model, signature, "its V2 metadata");
      });
      if (flags.out === undefined) write(text);
      else {
        await writeFile(flags.out, text);
        io.stderr.write(`wrote ${flags.out}\n`);
      }
    });

  const clusterFlags = (command: Command) =>
    command
      .option("--namespace <namespace>", "default: the kubeconfig context's namespace")
      .option("--kubeconfig <file>", "default: $KUBECONFIG, then ~/.kube/config");
  clusterFlags(
    program.command("deploy").description("Apply an InferenceService, wait until Ready, print its endpoint."),
  )
    .option("-f, --file <file|->", "an InferenceService as YAML or JSON, from a file or stdin")
    .option("--name <name>", "without -f: the InferenceService's name")
    .option("--model-format <format>", "without -f: sklearn, xgboost, onnx, …")
    .option("--storage-uri <uri>", "without -f: where the model is (s3://, gs://, file://, …)")
    .option("--protocol <protocol>", "without -f: v1 or v2")
    .option("--ingress <url>", "the ingress gateway's address (calls go there with the InferenceService's Host)")
    .option("--timeout <ms>", "how long to wait for Ready (default 5 minutes)")
    .option("--no-wait", "apply only")
    .action((flags) => deployCommand(flags, io));
  clusterFlags(
    program.command("get").argument("<name>").description("The InferenceService, status included, as JSON."),
  ).action((name: string, flags) => getCommand(name, flags, io));
  clusterFlags(program.command("delete").argument("<name>").description("Delete the InferenceService.")).action(
    (name: string, flags) => deleteCommand(name, flags, io),
  );

  program
    .command("mock")
    .description("Run the mock KServe (models, cluster, ingress) in the foreground until Ctrl-C.")
    .option("--port <port>", "the models' port (default: any free one)")
    .option("--grpc-port <port>", "the gRPC port (default: any free one)")
    .action((flags) => mockCommand(flags, io));

  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const red = colorsFor(io.stderr, io.env).red;
    io.stderr.write(`${describeFailure(error).replace(/^error(\[[\w]+\])?:/, (prefix) => red(prefix))}\n`);
    return exitCodeOf(error);
  }
}

async function withV2<T>(
  connection: Connection,
  work: (client: import("kserve-client").V2Client) => Promise<T>,
): Promise<T> {
  const { client, close } = await v2ClientFor(connection);
  try {
    return await work(client);
  } finally {
    close();
  }
}

function v2Only(connection: Connection, command: string): Connection {
  if (connection.protocol === "v1") throw new UsageError(`${command} reads V2 metadata: use --protocol v2 or grpc.`);
  return connection;
}
