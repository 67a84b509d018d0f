/**
 * The serving runtimes of the mock cluster, and how KServe picks one for a predictor: by `runtime` when the
 * predictor names one, otherwise the first runtime that supports its `modelFormat`. Three runtimes exist:
 *
 * - `kserve-sklearnserver` (model format `sklearn`, version 1): loads the tree classifier file (`model.json`,
 *   see model-file.ts) that the storage initializer downloaded, and serves it under the InferenceService's name;
 * - `kserve-huggingfaceserver` (model format `huggingface`, version 1): a text generation model on KServe's
 *   OpenAI-compatible routes (openai/), whatever the storage initializer downloaded (the mock has no weights);
 * - `kserve-client-echo` (model format `echo`, any version): the echo model, which needs no files.
 *
 * Every other format fails as KServe fails when no ServingRuntime supports it (`NoSupportingRuntime`).
 */
import { echoModel, type FakeModel, treeClassifierModel } from "../models.js";
import { generativeModel, type MockLlmOptions } from "../openai/generative.js";
import { runtimeMessages, runtimeSelectionMessages } from "./messages.js";
import { ModelFileError, parseTreeModelFile } from "./model-file.js";
import type { ModelFile } from "./s3.js";

/** A model loaded by a runtime, or the exception line the model server exits with. */
export type ModelLoad = { ok: true; model: FakeModel } | { ok: false; error: string };

/** What the mock cluster was told about how its runtimes' models behave. */
export interface RuntimeSettings {
  llm: MockLlmOptions;
}

/** A ClusterServingRuntime of the mock. */
export interface MockRuntime {
  name: string;
  /** Model formats it serves; `versions` are major versions (any when absent). */
  formats: readonly { name: string; versions?: readonly string[] }[];
  /** Load the model named `name` from the downloaded `files`. */
  load(name: string, files: readonly ModelFile[], settings: RuntimeSettings): ModelLoad;
}

/** File endings KServe's sklearn server loads (it unpickles them), plus the mock's own tree classifier file. */
const PICKLE_ENDINGS = [".joblib", ".pkl", ".pickle"];
const SKLEARN_ENDINGS = [".json", ...PICKLE_ENDINGS];

const sklearnRuntime: MockRuntime = {
  name: "kserve-sklearnserver",
  formats: [{ name: "sklearn", versions: ["1"] }],
  load(name, files) {
    // The sklearn server looks at the top of the model directory only.
    const candidates = files.filter(
      (f) => !f.name.includes("/") && SKLEARN_ENDINGS.some((end) => f.name.endsWith(end)),
    );
    if (candidates.length === 0) return { ok: false, error: runtimeMessages.modelMissing() };
    if (candidates.length > 1)
      return { ok: false, error: runtimeMessages.moreThanOneModelFile(candidates.map((f) => f.name)) };
    const file = candidates[0]!;
    if (PICKLE_ENDINGS.some((end) => file.name.endsWith(end)))
      return { ok: false, error: runtimeMessages.pickleUnsupported(file.name) };
    try {
      return { ok: true, model: treeClassifierModel(name, parseTreeModelFile(file.bytes)) };
    } catch (error) {
      if (error instanceof ModelFileError)
        return { ok: false, error: runtimeMessages.badModelFile(file.name, error.message) };
      throw error;
    }
  },
};

const huggingfaceRuntime: MockRuntime = {
  name: "kserve-huggingfaceserver",
  formats: [{ name: "huggingface", versions: ["1"] }],
  load: (name, _files, settings) => ({ ok: true, model: generativeModel(name, settings.llm) }),
};

const echoRuntime: MockRuntime = {
  name: "kserve-client-echo",
  formats: [{ name: "echo" }],
  load: (name) => ({ ok: true, model: echoModel(name) }),
};

/** The runtimes, in the order KServe would try them. */
export const MOCK_RUNTIMES: readonly MockRuntime[] = [sklearnRuntime, huggingfaceRuntime, echoRuntime];

/** What a predictor asks for: the model format, the runtime it names (if any) and where the model is. */
export interface PredictorModel {
  format: { name: string; version?: string | undefined };
  runtime?: string | undefined;
  storageUri?: string | undefined;
}

/** The chosen runtime, or the `modelStatus` failure KServe reports when there is none (transition `InvalidSpec`). */
export type RuntimeSelection = { ok: true; runtime: MockRuntime } | { ok: false; reason: string; message: string };

/** Pick the runtime for `model` as KServe's predictor reconciler does. */
export function selectRuntime(model: PredictorModel): RuntimeSelection {
  if (model.runtime !== undefined) {
    const named = MOCK_RUNTIMES.find((r) => r.name === model.runtime);
    if (named === undefined)
      return { ok: false, reason: "RuntimeNotRecognized", message: runtimeSelectionMessages.runtimeNotFound };
    if (!supports(named, model.format))
      return {
        ok: false,
        reason: "NoSupportingRuntime",
        message: runtimeSelectionMessages.runtimeDoesNotSupportFormat,
      };
    return { ok: true, runtime: named };
  }
  const runtime = MOCK_RUNTIMES.find((r) => supports(r, model.format));
  return runtime === undefined
    ? { ok: false, reason: "NoSupportingRuntime", message: runtimeSelectionMessages.noRuntime }
    : { ok: true, runtime };
}

function supports(runtime: MockRuntime, format: PredictorModel["format"]): boolean {
  return runtime.formats.some((f) => {
    if (f.name !== format.name.toLowerCase()) return false;
    if (f.versions === undefined || format.version === undefined) return true;
    return f.versions.includes(format.version.split(".")[0]!);
  });
}
