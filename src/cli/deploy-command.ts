/**
 * `deploy`, `get` and `delete`: the deploy flow of `kserve-client/deploy` with progress as it happens (conditions
 * and model states), then the endpoint and commands to call it.
 */
import { readFile } from "node:fs/promises";
import type { Condition, DeployEvent, InferenceService } from "kserve-client/deploy";
import { parse as parseYaml } from "yaml";
import { colorsFor } from "./colors.js";
import { integerFlag } from "./connection.js";
import { progressOutput } from "./progress.js";
import { UsageError } from "./usage.js";
import type { CliIo } from "./io.js";

/** The flags of `deploy`. */
export interface DeployFlags {
  file?: string | undefined;
  name?: string | undefined;
  namespace?: string | undefined;
  modelFormat?: string | undefined;
  storageUri?: string | undefined;
  protocol?: string | undefined;
  ingress?: string | undefined;
  kubeconfig?: string | undefined;
  timeout?: string | undefined;
  wait?: boolean | undefined;
}

/** The flags of `get` and `delete`. */
export interface ClusterFlags {
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
}

/** `-` or a path: the text of stdin or of the file. */
export async function readSource(source: string, io: CliIo, flag: string): Promise<string> {
  if (source === "-") return io.readStdin();
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function manifestFrom(flags: DeployFlags, io: CliIo): Promise<InferenceService> {
  const { inferenceService, parseInferenceService } = await import("kserve-client/deploy");
  if (flags.file !== undefined) {
    let object: unknown;
    try {
      object = parseYaml(await readSource(flags.file, io, "-f"));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `-f ${flags.file}: not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const manifest = parseInferenceService(object);
    return flags.namespace === undefined || manifest.metadata.namespace !== undefined
      ? manifest
      : { ...manifest, metadata: { ...manifest.metadata, namespace: flags.namespace } };
  }
  const missing = (["name", "modelFormat", "storageUri"] as const).filter((k) => flags[k] === undefined);
  if (missing.length > 0) {
    const names = missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(
      `deploy needs -f <file|->, or --name, --model-format and --storage-uri (missing ${names.join(", ")}).`,
    );
  }
  const protocolVersion = flags.protocol === undefined ? undefined : flags.protocol.toLowerCase();
  if (protocolVersion !== undefined && protocolVersion !== "v1" && protocolVersion !== "v2") {
    throw new UsageError(`--protocol ${flags.protocol}: expected v1 or v2.`);
  }
  return inferenceService({
    name: flags.name!,
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    predictor: {
      model: {
        modelFormat: { name: flags.modelFormat! },
        storageUri: flags.storageUri!,
        ...(protocolVersion === undefined ? {} : { protocolVersion }),
      },
    },
  });
}

/** One line per event; condition and model-state changes go to the status line. */
function describeEvent(event: DeployEvent, describeCondition: (condition: Condition) => string): string {
  switch (event.type) {
    case "applied":
      return `${event.kind} ${event.namespace}/${event.name} ${event.action}`;
    case "condition":
      return `${event.name}: ${describeCondition(event.condition)}`;
    case "model":
      return `${event.name}: model ${event.state}${event.transition === undefined ? "" : ` (${event.transition})`}`;
    case "ready":
      return `${event.name} is Ready at ${event.url}`;
  }
}

const kubeconfigOf = (path: string | undefined) => (path === undefined ? {} : { kubeconfig: { path } });

/** `deploy`: apply, wait for Ready with progress, then the endpoint and commands to call it. */
export async function deployCommand(flags: DeployFlags, io: CliIo): Promise<void> {
  const deploy = await import("kserve-client/deploy");
  const isvc = await manifestFrom(flags, io);
  const timeoutMs = integerFlag(flags.timeout, "--timeout", 1);
  const out = progressOutput(io.stderr);
  const pc = colorsFor(io.stderr, io.env);
  const onEvent = (event: DeployEvent) => {
    const text = describeEvent(event, deploy.describeCondition);
    if (event.type === "condition" || event.type === "model") out.status(`${pc.dim("…")} ${text}`);
    else out.line(event.type === "ready" ? pc.green(text) : text);
  };
  const cluster = {
    ...kubeconfigOf(flags.kubeconfig),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
  };
  if (flags.wait === false) {
    const { inferenceService } = await deploy.applyInferenceService(isvc, { ...cluster, onEvent });
    const name = inferenceService.metadata.name;
    io.stdout.write(`Applied; not waiting. Follow it with: kserve-client get ${name}${flagsText(flags)}\n`);
    return;
  }
  try {
    const deployment = await deploy.deploy(isvc, {
      ...cluster,
      ...(flags.ingress === undefined ? {} : { ingress: flags.ingress }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      onEvent,
    });
    deployment.close();
    out.done();
    const { baseUrl, host } = deployment.endpoint;
    const protocol = isvc.spec.predictor.model?.protocolVersion === "v2" ? "v2" : "v1";
    const route = `--url ${baseUrl}${host === undefined ? "" : ` --host ${host}`}`;
    // A generative model (KServe's Hugging Face runtime) is called through its OpenAI-compatible routes.
    if (deployment.openai !== undefined) {
      io.stdout.write(
        `endpoint: ${baseUrl}${host === undefined ? "" : ` (Host: ${host})`}\n` +
          `openai: baseURL ${deployment.openai.baseURL}${host === undefined ? "" : `, with createIngressFetch({ host: "${host}" }) from kserve-client/node as its fetch`}\n`,
      );
      return;
    }
    io.stdout.write(
      `endpoint: ${baseUrl}${host === undefined ? "" : ` (Host: ${host})`}\n` +
        `model: ${deployment.model} (protocol ${protocol})\n` +
        `try: kserve-client ready ${deployment.model} ${route} --protocol ${protocol}\n` +
        `     kserve-client infer ${deployment.model} ${route} --protocol ${protocol} --data '<rows as JSON>'\n`,
    );
  } finally {
    out.done();
  }
}

function flagsText(flags: ClusterFlags): string {
  return `${flags.namespace === undefined ? "" : ` --namespace ${flags.namespace}`}${flags.kubeconfig === undefined ? "" : ` --kubeconfig ${flags.kubeconfig}`}`;
}

/** `get <name>`: the InferenceService as the cluster has it, as JSON; exit 1 when there is none. */
export async function getCommand(name: string, flags: ClusterFlags, io: CliIo): Promise<void> {
  const { getInferenceService, KServeError } = await import("kserve-client/deploy");
  const found = await getInferenceService(name, {
    ...kubeconfigOf(flags.kubeconfig),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
  });
  if (found === undefined)
    throw new KServeError(
      "not_found",
      `There is no InferenceService ${name}${flags.namespace === undefined ? "" : ` in ${flags.namespace}`}.`,
    );
  io.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
}

/** `delete <name>`: exit 1 when there was none. */
export async function deleteCommand(name: string, flags: ClusterFlags, io: CliIo): Promise<void> {
  const { deleteInferenceService, KServeError } = await import("kserve-client/deploy");
  const deleted = await deleteInferenceService(name, {
    ...kubeconfigOf(flags.kubeconfig),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
  });
  if (!deleted)
    throw new KServeError(
      "not_found",
      `There is no InferenceService ${name}${flags.namespace === undefined ? "" : ` in ${flags.namespace}`}.`,
    );
  io.stdout.write(`deleted InferenceService ${name}\n`);
}
