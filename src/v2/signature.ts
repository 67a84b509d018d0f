/**
 * A model's signature (its inputs and outputs by name, each with the datatype and shape V2 metadata gives it) and
 * the checks a typed model makes with it: the caller's inputs before anything is sent, the server's outputs after.
 */
import { ProtocolError, ValidationError } from "../core/errors.js";
import { type Datatype, DATATYPES, isDatatype } from "../tensor/datatype.js";
import { describeProblem } from "../tensor/errors.js";
import type { TensorParameters } from "../tensor/json-value.js";
import { formatShape, kindOf, nestedShape } from "../tensor/shape.js";
import { type AnyTensor, Tensor } from "../tensor/tensor.js";
import { nearestName } from "../internal/nearest.js";
import type { ProblemDetails } from "../errors/kserve-error.js";

/** One input or output of a model: the fields of V2 tensor metadata, without the name (it is the key). */
export interface TensorSpec {
  readonly datatype: Datatype;
  /** Dimensions; `-1` marks one that varies (the batch dimension, a sequence length). */
  readonly shape: readonly number[];
  /** Metadata parameters, such as MLServer's `content_type`; kept, not checked. */
  readonly parameters?: TensorParameters | undefined;
}

/**
 * A model's inputs and outputs by name, as plain data: written by hand (`as const` keeps the names and datatypes
 * for the types), generated (`kserve-client typegen`), or read from the server with {@link signatureFromMetadata}.
 *
 * @example
 * ```ts
 * const signature = {
 *   inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
 *   outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
 * } as const;
 * ```
 */
export interface ModelSignature {
  readonly inputs: { readonly [name: string]: TensorSpec };
  /** Outputs to check in answers; none are checked when absent. */
  readonly outputs?: { readonly [name: string]: TensorSpec } | undefined;
}

/** Tensor metadata as servers publish it: Triton's, MLServer's (with `parameters`), or this SDK's `TensorMetadata`. */
export interface TensorMetadataLike {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly parameters?: TensorParameters | null | undefined;
}

/** Model metadata as servers publish it; MLServer may leave `inputs` and `outputs` out. */
export interface ModelMetadataLike {
  readonly name?: string | undefined;
  readonly inputs?: readonly TensorMetadataLike[] | null | undefined;
  readonly outputs?: readonly TensorMetadataLike[] | null | undefined;
}

/**
 * The signature a model's metadata declares: Triton's (`-1` for batch and variable dimensions), MLServer's (its
 * `parameters`, such as `content_type`, kept), or KServe's own runtimes' (which declare no inputs, so nothing is
 * checked).
 *
 * @example
 * ```ts
 * const signature = signatureFromMetadata(await client.modelMetadata("densenet"));
 * ```
 * @throws {ProtocolError} naming the tensor, for a datatype that is not a V2 datatype, a dimension that is not an
 *   integer of at least -1, or a name declared twice
 */
export function signatureFromMetadata(metadata: ModelMetadataLike): ModelSignature {
  const model = metadata.name ?? "";
  return {
    inputs: specsFromMetadata(model, "inputs", metadata.inputs),
    outputs: specsFromMetadata(model, "outputs", metadata.outputs),
  };
}

function specsFromMetadata(
  model: string,
  key: "inputs" | "outputs",
  list: readonly TensorMetadataLike[] | null | undefined,
): Record<string, TensorSpec> {
  const specs: Record<string, TensorSpec> = {};
  (list ?? []).forEach((tensor, i) => {
    const bad = (path: string, expected: string, received: string) => {
      const details = { tensor: tensor.name, path: `${key}[${i}].${path}`, expected, received };
      throw new ProtocolError(`Model "${model}" metadata: ${describeProblem("", details)}`, details, { model });
    };
    if (!isDatatype(tensor.datatype))
      bad("datatype", `one of ${DATATYPES.join(", ")}`, JSON.stringify(tensor.datatype));
    tensor.shape.forEach((d, j) => {
      if (!Number.isSafeInteger(d) || d < -1) bad(`shape[${j}]`, "an integer of at least -1", String(d));
    });
    if (Object.hasOwn(specs, tensor.name)) bad("name", "names declared once", `"${tensor.name}" again`);
    specs[tensor.name] = {
      datatype: tensor.datatype as Datatype,
      shape: tensor.shape.slice(),
      ...(tensor.parameters ? { parameters: tensor.parameters } : {}),
    };
  });
  return specs;
}

/**
 * Check a signature written by hand (JavaScript callers have no types to catch a misspelled datatype).
 *
 * @throws {ValidationError} naming the tensor and what is wrong with its spec
 */
export function checkSignature(model: string, signature: ModelSignature): void {
  const where = `model("${model}") signature`;
  if (typeof signature?.inputs !== "object" || signature.inputs === null) {
    throw new ValidationError(
      `${where}: expected { inputs: { <name>: { datatype, shape } }, outputs? }, got ${kindOf(signature)}.`,
    );
  }
  for (const key of ["inputs", "outputs"] as const) {
    for (const [name, spec] of Object.entries(signature[key] ?? {})) {
      const bad = (path: string, expected: string, received: string) => {
        const details = { tensor: name, path: `${key}.${path}`, expected, received };
        throw new ValidationError(`${where}: ${describeProblem("", details)}`, details);
      };
      if (!isDatatype(spec?.datatype))
        bad("datatype", `one of ${DATATYPES.join(", ")}`, JSON.stringify(spec?.datatype));
      if (!Array.isArray(spec.shape)) bad("shape", "an array of dimensions (-1 where it varies)", kindOf(spec.shape));
      spec.shape.forEach((d, j) => {
        if (!Number.isSafeInteger(d) || d < -1) bad(`shape[${j}]`, "an integer of at least -1", String(d));
      });
    }
  }
}

/** True when the signature declares inputs (KServe's own runtimes declare none: then nothing is checked). */
export function declaresInputs(signature: ModelSignature): boolean {
  return Object.keys(signature.inputs).length > 0;
}

/** The natural datatype of a typed array, for inputs no signature declares. */
const TYPED_ARRAY_DATATYPES: [new (n: number) => ArrayBufferView, Datatype][] = [
  [Float32Array, "FP32"],
  [Float64Array, "FP64"],
  [BigInt64Array, "INT64"],
  [BigUint64Array, "UINT64"],
  [Int32Array, "INT32"],
  [Int16Array, "INT16"],
  [Int8Array, "INT8"],
  [Uint32Array, "UINT32"],
  [Uint16Array, "UINT16"],
  [Uint8Array, "UINT8"],
];

/**
 * The caller's inputs (by name: Tensors, typed arrays, flat or nested arrays) as the Tensors to send, checked against
 * what `signature` declares: no unknown name, none missing, each the declared datatype, rank and fixed dimensions.
 * Plain data takes the declared datatype; its shape comes from nesting, or from the declared shape with one `-1`
 * resolved from a flat array's length.
 *
 * @throws {ValidationError} naming the model, the input, what was expected and what was given
 */
export function inputsToTensors(
  model: string,
  signature: ModelSignature | undefined,
  inputs: Readonly<Record<string, unknown>>,
): Tensor[] {
  const declared = signature !== undefined && declaresInputs(signature) ? signature.inputs : undefined;
  const fail = (details: ProblemDetails, problem = "", hint?: string): never => {
    throw new ValidationError(`infer("${model}"): ${describeProblem(problem, details, hint)}`, details, { model });
  };
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs) || inputs instanceof Tensor) {
    fail(
      { path: "inputs", expected: "an object of inputs by name", received: kindOf(inputs) },
      "",
      'Give { "input-0": data, … }.',
    );
  }
  const names = Object.keys(inputs);
  if (declared !== undefined) {
    const known = Object.keys(declared);
    const list = known.map((n) => `"${n}"`).join(", ");
    for (const name of names) {
      if (Object.hasOwn(declared, name)) continue;
      const near = nearestName(name, known);
      fail(
        { tensor: name, expected: `one of the model's inputs (${list})`, received: `"${name}"` },
        "not an input of this model",
        near === undefined ? undefined : `Did you mean "${near}"?`,
      );
    }
    const missing = known.filter((n) => !Object.hasOwn(inputs, n));
    if (missing.length > 0) {
      fail(
        {
          path: "inputs",
          expected: `every input the model declares (${list})`,
          received: `none for ${missing.map((n) => `"${n}"`).join(", ")}`,
        },
        "missing input",
        "Give data for each of them.",
      );
    }
  } else if (names.length === 0) {
    fail({ path: "inputs", expected: "at least one input", received: "an empty object" });
  }
  return names.map((name) => toTensor(model, name, inputs[name], declared?.[name], fail));
}

type Fail = (details: ProblemDetails, problem?: string, hint?: string) => never;

function toTensor(model: string, name: string, value: unknown, spec: TensorSpec | undefined, fail: Fail): Tensor {
  const declaredShape = spec === undefined ? "" : ` (the model's signature: ${formatShape(spec.shape)})`;
  const checkShape = (shape: readonly number[]) => {
    if (spec === undefined) return;
    if (shape.length !== spec.shape.length) {
      fail({
        tensor: name,
        path: "shape",
        expected: `rank ${spec.shape.length}${declaredShape}`,
        received: `rank ${shape.length}, ${formatShape(shape)}`,
      });
    }
    spec.shape.forEach((d, i) => {
      if (d >= 0 && shape[i] !== d)
        fail({ tensor: name, path: `shape[${i}]`, expected: `${d}${declaredShape}`, received: String(shape[i]) });
    });
  };
  // The Tensor constructor checks every element (range, integer, kind); its message gains the model here.
  const build = (datatype: Datatype, shape: readonly number[], data: unknown, parameters = spec?.parameters) => {
    try {
      return new Tensor(name, datatype, shape, data as never, parameters === undefined ? undefined : { ...parameters });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(
        `infer("${model}"): ${error.rawMessage}`,
        { ...error.details, tensor: name },
        { model, cause: error },
      );
    }
  };

  if (value instanceof Tensor) {
    const tensor = value as AnyTensor;
    if (spec !== undefined && tensor.datatype !== spec.datatype) {
      fail(
        { tensor: name, path: "datatype", expected: spec.datatype, received: `a Tensor of ${tensor.datatype}` },
        "",
        `Build it with Tensor.${spec.datatype.toLowerCase()}(…), or give the data alone and it takes the declared datatype.`,
      );
    }
    checkShape(tensor.shape);
    // The key names the input: a tensor built under another name is sent under this one (its data is not copied).
    return tensor.name === name ? tensor : build(tensor.datatype, tensor.shape, tensor.data, tensor.parameters);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const datatype = spec?.datatype ?? TYPED_ARRAY_DATATYPES.find(([kind]) => value instanceof kind)?.[1];
    if (datatype === undefined) {
      fail({ tensor: name, expected: "a typed array such as Float32Array", received: kindOf(value) });
    }
    const length = (value as unknown as ArrayLike<unknown>).length;
    return build(datatype, spec === undefined ? [length] : flatShape(name, spec, length, fail), value);
  }
  if (Array.isArray(value)) {
    if (spec === undefined) {
      fail(
        { tensor: name, expected: "a Tensor or a typed array", received: "plain data" },
        "the model declares no inputs, so plain data has no datatype",
        `Give Tensor.fp32("${name}", shape, data) (or the datatype it takes), a typed array, or a signature.`,
      );
    }
    const { shape } = nestedShape(value);
    // A flat array for a higher-rank input takes the declared shape, with one -1 resolved from its length.
    if (shape.length === 1 && spec.shape.length !== 1)
      return build(spec.datatype, flatShape(name, spec, value.length, fail), value);
    checkShape(shape);
    return build(spec.datatype, shape, value);
  }
  return fail({
    tensor: name,
    expected:
      spec === undefined
        ? "a Tensor or a typed array"
        : `a Tensor of ${spec.datatype}, a typed array, or nested arrays`,
    received: kindOf(value),
  });
}

/** The declared shape for `length` elements given flat: its one `-1` (if any) resolved from the length. */
function flatShape(name: string, spec: TensorSpec, length: number, fail: Fail): number[] {
  const free = spec.shape.filter((d) => d < 0).length;
  const known = spec.shape.reduce((product, d) => (d < 0 ? product : product * d), 1);
  const shape = formatShape(spec.shape);
  if (free > 1) {
    fail(
      {
        tensor: name,
        path: "shape",
        expected: `nested data or a Tensor`,
        received: `${length} elements given flat for ${shape}`,
      },
      `the signature's shape ${shape} has ${free} free dimensions, which a flat array cannot tell apart`,
      "Nest the data by dimension, or build a Tensor with its shape.",
    );
  }
  if (free === 1 ? known === 0 || length % known !== 0 : length !== known) {
    fail({
      tensor: name,
      path: "data",
      expected:
        free === 1 ? `a multiple of ${known} elements, to fill ${shape}` : `${known} elements, to fill ${shape}`,
      received: `${length}`,
    });
  }
  return spec.shape.map((d) => (d < 0 ? length / known : d));
}

/**
 * Check an answer's outputs against the declared ones: each declared output there (unless the call's `outputs`
 * left it out), of its datatype, rank and fixed dimensions. Outputs asked for with `classCount` come back as
 * Triton's classification strings and are not checked.
 *
 * @throws {ProtocolError} naming the model and the output
 */
export function checkOutputs(
  model: string,
  declared: ModelSignature["outputs"],
  outputs: readonly AnyTensor[],
  requested: readonly { name: string; classCount?: number | undefined }[] | undefined,
): void {
  for (const [name, spec] of Object.entries(declared ?? {})) {
    const asked = requested?.find((o) => o.name === name);
    if ((requested !== undefined && asked === undefined) || asked?.classCount !== undefined) continue;
    const bad = (path: string, expected: string, received: string) => {
      const details = { tensor: name, path, expected, received };
      return new ProtocolError(
        `Model "${model}" answered against its signature: ${describeProblem("", details)}`,
        details,
        { model },
      );
    };
    const output = outputs.find((t) => t.name === name);
    if (output === undefined)
      throw bad("", "the declared output", `outputs ${outputs.map((t) => `"${t.name}"`).join(", ") || "none"}`);
    if (output.datatype !== spec.datatype) throw bad("datatype", spec.datatype, output.datatype);
    if (output.shape.length !== spec.shape.length)
      throw bad("shape", `rank ${spec.shape.length}, ${formatShape(spec.shape)}`, formatShape(output.shape));
    spec.shape.forEach((d, i) => {
      if (d >= 0 && output.shape[i] !== d)
        throw bad(`shape[${i}]`, `${d} (${formatShape(spec.shape)})`, String(output.shape[i]));
    });
  }
}
