/** What the batcher tests share: models that record the rows of each request they get, and a result's plain form. */
import { echoModel, type FakeModel, FakeModelError, type FakeModels } from "../src/testing/models.js";
import type { Tensor } from "kserve-client/tensor";

/** A model (an echo, or `infer`) that records dimension 0 of its first input, one entry per request it answers. */
export function recordingModel(
  name: string,
  infer: (inputs: Tensor[]) => Tensor[] = (inputs) => inputs,
): { model: FakeModel; rows: number[] } {
  const rows: number[] = [];
  const model: FakeModel = {
    ...echoModel(name),
    infer(inputs) {
      rows.push(inputs[0]?.shape[0] ?? 1);
      return infer(inputs);
    },
  };
  return { model, rows };
}

/** Never fires within a test: only the size trigger or close() sends a batch that waits this long. */
export const FOREVER = 600_000;

/** Iris rows; the real sklearn model classes them 1, 0, 2, 1 (versicolor, setosa, virginica, versicolor). */
export const IRIS_ROWS = [
  [6.8, 2.8, 4.8, 1.4],
  [5.1, 3.5, 1.4, 0.2],
  [7.7, 3.0, 6.1, 2.3],
  [6.0, 3.4, 4.5, 1.6],
];

/** {@link recordingModel}, served by `models` under `name`. */
export function addRecorder(models: FakeModels, name: string, infer?: (inputs: Tensor[]) => Tensor[]) {
  const recording = recordingModel(name, infer);
  models.add(recording.model);
  return recording;
}

/** An echo that fails, as a model does (500), on a request with a negative number in any FP32 input. */
export function pickyModel(name: string): { model: FakeModel; rows: number[] } {
  return recordingModel(name, (inputs) => {
    for (const input of inputs) {
      if (input.datatype !== "FP32") continue;
      const at = (input.data as Float32Array).findIndex((x) => x < 0);
      if (at >= 0) throw new FakeModelError(`ValueError: negative feature ${input.data[at]} in ${input.name}`);
    }
    return inputs;
  });
}

/** Tensors as plain values, for comparing two results exactly (NaN equals NaN, -0 does not equal 0). */
export function plain(tensors: readonly Tensor[]): unknown[] {
  return tensors.map((t) => ({
    name: t.name,
    datatype: t.datatype,
    shape: [...t.shape],
    parameters: t.parameters,
    data: Array.from(t.data as ArrayLike<unknown>, (x) => (x instanceof Uint8Array ? Array.from(x) : x)),
  }));
}

/** A promise's outcome without throwing: its value, or its error. */
export function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
