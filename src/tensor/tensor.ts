import { toTensorData } from "./convert.js";
import {
  type Datatype,
  DATATYPES,
  isDatatype,
  type TensorData,
  type TensorElement,
  type TensorInput,
} from "./datatype.js";
import { ValidationError } from "./errors.js";
import { bf16ToNumber, fp16ToNumber } from "./float16.js";
import { checkShape, fail, formatShape, nest, type NestedArrayOf, type Origin, show } from "./shape.js";
import { utf8Text } from "./utf8.js";

import type { TensorParameters } from "./json-value.js";

export type { JsonValue, TensorParameters } from "./json-value.js";

/** What `toArray()` returns: nested arrays by shape, or the element itself for a rank-0 tensor. */
export type TensorArray<E> = E | NestedArrayOf<E>;

/** A per-datatype factory such as `Tensor.fp32`: `new Tensor(name, datatype, shape, data, parameters)` with the datatype fixed. */
export type TensorFactory<D extends Datatype> = (
  name: string,
  shape: readonly number[],
  data: TensorInput<D>,
  parameters?: TensorParameters,
) => Tensor<D>;

/**
 * A tensor whose datatype is known only at run time, such as a result's output: one of `Tensor<"BOOL">`, …,
 * `Tensor<"BF16">` (or of the datatypes `D`). Checking `datatype` narrows it, and with it `data` and `at()`:
 *
 * ```ts
 * const out = res.output("output-0"); // AnyTensor
 * if (out.datatype === "INT64") out.data; // BigInt64Array
 * ```
 *
 * Every `AnyTensor` is a {@link Tensor}. A plain `Tensor` annotation (datatype `Datatype`, `data` the union of
 * every kind) accepts any tensor but does not narrow: annotate with `AnyTensor` to keep the narrowing.
 */
export type AnyTensor<D extends Datatype = Datatype> = D extends Datatype ? Tensor<D> : never;

/**
 * A named, typed, shaped tensor: the unit of inference input and output.
 *
 * `data` is the natural typed array for the datatype (`Float32Array` for FP32, `BigInt64Array` for INT64,
 * raw bits in a `Uint16Array` for FP16/BF16, `Uint8Array` of 0/1 for BOOL, `Uint8Array[]` for BYTES).
 * The constructor checks everything: the shape, that the element count matches it, and that every value
 * fits the datatype (out-of-range or non-integer values are errors, never wrapped or rounded).
 *
 * Tensors that come back from a server are {@link AnyTensor}s: check `datatype` to narrow `data`, or ask a result
 * for the datatype with `res.output(name, "INT64")`.
 *
 * @example
 * ```ts
 * const x = Tensor.fp32("input-0", [1, 4], [[5.1, 3.5, 1.4, 0.2]]);
 * const ids = Tensor.int64("ids", [2], [9007199254740993n, -1n]); // ids.data is a BigInt64Array
 * ```
 */
export class Tensor<D extends Datatype = Datatype> {
  /** Tensor name, as sent on the wire. */
  readonly name: string;
  /** Datatype name, as sent on the wire. */
  readonly datatype: D;
  /** Dimensions; their product is the element count. */
  readonly shape: readonly number[];
  /** The elements, row-major. */
  readonly data: TensorData<D>;
  /** Optional tensor parameters. */
  readonly parameters?: TensorParameters;

  /**
   * @param name tensor name (non-empty)
   * @param datatype one of {@link DATATYPES}
   * @param shape non-negative integers; their product must equal the number of elements
   * @param data a typed array (kept without copying when it is the datatype's own kind), or a flat or
   *   nested array of elements (nested arrays must match `shape` exactly)
   * @throws {ValidationError} if any of these does not hold
   */
  constructor(
    name: string,
    datatype: D,
    shape: readonly number[],
    data: TensorInput<D>,
    parameters?: TensorParameters,
  ) {
    this.name = checkName(name, "input");
    this.datatype = checkDatatype(datatype, "input", name);
    const count = checkShape(shape, "input", name);
    this.shape = Object.freeze(shape.slice());
    this.data = toTensorData(datatype, shape, count, data, {
      origin: "input",
      tensor: name,
      path: "data",
    }) as TensorData<D>;
    if (parameters !== undefined) this.parameters = parameters;
  }

  /** BOOL tensor; `data` is a `Uint8Array` of 0/1. */
  declare static readonly bool: TensorFactory<"BOOL">;
  /** UINT8 tensor (`Uint8Array`). */
  declare static readonly uint8: TensorFactory<"UINT8">;
  /** UINT16 tensor (`Uint16Array`). */
  declare static readonly uint16: TensorFactory<"UINT16">;
  /** UINT32 tensor (`Uint32Array`). */
  declare static readonly uint32: TensorFactory<"UINT32">;
  /** UINT64 tensor (`BigUint64Array`); numbers must be safe integers, larger values bigints. */
  declare static readonly uint64: TensorFactory<"UINT64">;
  /** INT8 tensor (`Int8Array`). */
  declare static readonly int8: TensorFactory<"INT8">;
  /** INT16 tensor (`Int16Array`). */
  declare static readonly int16: TensorFactory<"INT16">;
  /** INT32 tensor (`Int32Array`). */
  declare static readonly int32: TensorFactory<"INT32">;
  /** INT64 tensor (`BigInt64Array`); numbers must be safe integers, larger values bigints. */
  declare static readonly int64: TensorFactory<"INT64">;
  /**
   * FP16 tensor. `data` holds raw IEEE binary16 bits in a `Uint16Array`; a `Uint16Array` given here is taken
   * as bits, numbers are rounded to nearest (ties to even).
   */
  declare static readonly fp16: TensorFactory<"FP16">;
  /** FP32 tensor (`Float32Array`). */
  declare static readonly fp32: TensorFactory<"FP32">;
  /** FP64 tensor (`Float64Array`). */
  declare static readonly fp64: TensorFactory<"FP64">;
  /**
   * BF16 tensor (Triton). `data` holds raw bits (the upper half of a float32) in a `Uint16Array`; a
   * `Uint16Array` given here is taken as bits, numbers are rounded to nearest (ties to even).
   */
  declare static readonly bf16: TensorFactory<"BF16">;
  /** BYTES tensor; strings are stored as their UTF-8 bytes. */
  declare static readonly bytes: TensorFactory<"BYTES">;

  /** Number of elements (the product of `shape`). */
  get size(): number {
    return this.data.length;
  }

  /**
   * The element at a multi-dimensional index, one entry per dimension; negative entries count from the end.
   * @throws {ValidationError} if the index has the wrong rank or is out of range
   */
  at(...index: number[]): TensorElement<D> {
    const shape = this.shape;
    if (index.length !== shape.length) {
      const expected = `${shape.length} ind${shape.length === 1 ? "ex" : "ices"}`;
      throw new ValidationError(
        `Tensor "${this.name}" index: at() needs one index per dimension of shape ${formatShape(shape)}: expected ${expected}, got ${index.length}.`,
        { tensor: this.name, path: "index", expected, received: `${index.length}` },
      );
    }
    let flat = 0;
    for (let d = 0; d < shape.length; d++) {
      const size = shape[d]!;
      const raw = index[d]!;
      const i = raw < 0 ? raw + size : raw;
      if (!Number.isInteger(raw) || i < 0 || i >= size) {
        const problem = Number.isInteger(raw)
          ? `is out of range for dimension ${d} of size ${size}`
          : "is not an integer";
        const expected = `an integer in [${-size}, ${size - 1}]`;
        throw new ValidationError(
          `Tensor "${this.name}" index[${d}]: ${show(raw)} ${problem}: expected ${expected}, got ${show(raw)}.`,
          { tensor: this.name, path: `index[${d}]`, expected, received: show(raw) },
        );
      }
      flat = flat * size + i;
    }
    return elementReader(this)(flat);
  }

  /**
   * The elements as nested arrays by shape (the element itself for shape `[]`). FP16/BF16 give numbers,
   * INT64/UINT64 bigints, BOOL booleans, BYTES `Uint8Array`s (see {@link Tensor.strings}).
   */
  toArray(): TensorArray<TensorElement<D>> {
    return nest(this.shape, elementReader(this), this.name);
  }

  /**
   * The elements of a BYTES tensor decoded as UTF-8, flat in row-major order.
   * @throws {ValidationError} if the tensor is not BYTES or an element is not valid UTF-8
   */
  strings(this: Tensor<"BYTES">): string[] {
    if (this.datatype !== "BYTES") {
      throw new ValidationError(
        `Tensor "${this.name}" datatype: strings() reads BYTES tensors: expected BYTES, got ${this.datatype}. Read numbers with toArray() or .data.`,
        {
          tensor: this.name,
          path: "datatype",
          expected: "BYTES",
          received: this.datatype,
        },
      );
    }
    return this.data.map((bytes, i) => decodeUtf8(bytes, this.name, i));
  }

  /** `Tensor(input-0, FP32, [1, 4])` */
  toString(): string {
    return `Tensor(${this.name}, ${this.datatype}, ${formatShape(this.shape)})`;
  }
}

// The factories, one per datatype, named after it in lower case (Tensor.fp32, …): defined from the datatype list
// rather than written out fourteen times. Non-enumerable, like static methods.
for (const datatype of DATATYPES) {
  const factory: TensorFactory<Datatype> = (name, shape, data, parameters) =>
    new Tensor(name, datatype, shape, data, parameters);
  Object.defineProperty(Tensor, datatype.toLowerCase(), { value: factory, writable: true, configurable: true });
}

/**
 * A tensor from parts a decoder has already checked (name, datatype, shape, data of the right kind and count),
 * without the constructor's second pass: no BOOL rescan, no copy of a BYTES element list. Of a datatype known
 * only at run time, it is an {@link AnyTensor}, which narrows. Internal.
 */
export function checkedTensor<D extends Datatype>(
  name: string,
  datatype: D,
  shape: readonly number[],
  data: TensorData<D>,
  parameters: TensorParameters | undefined,
): AnyTensor<D> {
  const tensor = Object.create(Tensor.prototype) as { -readonly [K in keyof Tensor<D>]: Tensor<D>[K] };
  // Same properties in the same order as the constructor defines them, so both share one object shape.
  tensor.name = name;
  tensor.datatype = datatype;
  tensor.shape = Object.freeze(shape.slice());
  tensor.data = data;
  (tensor as { parameters?: TensorParameters | undefined }).parameters = parameters;
  return tensor as Tensor<D> as AnyTensor<D>;
}

function decodeUtf8(bytes: Uint8Array, tensor: string, index: number): string {
  const text = utf8Text(bytes);
  if (text === undefined) {
    const received = `${bytes.length} bytes that are not UTF-8`;
    throw new ValidationError(
      `Tensor "${tensor}" data[${index}] is not valid UTF-8: expected UTF-8 text, got ${received}. Read it as bytes from .data.`,
      {
        tensor,
        path: `data[${index}]`,
        expected: "UTF-8 text",
        received,
      },
    );
  }
  return text;
}

function elementReader<D extends Datatype>(t: Tensor<D>): (index: number) => TensorElement<D> {
  const data = t.data as ArrayLike<unknown>;
  switch (t.datatype) {
    case "BOOL":
      return ((i) => data[i] !== 0) as (index: number) => TensorElement<D>;
    case "FP16":
      return ((i) => fp16ToNumber(data[i] as number)) as (index: number) => TensorElement<D>;
    case "BF16":
      return ((i) => bf16ToNumber(data[i] as number)) as (index: number) => TensorElement<D>;
    default:
      return ((i) => data[i]) as (index: number) => TensorElement<D>;
  }
}

/** Check a tensor name. Internal. */
export function checkName(name: unknown, origin: Origin, path = "name"): string {
  if (typeof name !== "string" || name.length === 0) {
    fail(origin, "invalid tensor name", { path, expected: "a non-empty string", received: show(name) });
  }
  return name;
}

/** Check a datatype name. Internal. */
export function checkDatatype<D extends Datatype>(datatype: D, origin: Origin, tensor?: string, path = "datatype"): D {
  if (!isDatatype(datatype)) {
    fail(origin, "unknown datatype", {
      tensor,
      path,
      expected: `one of ${DATATYPES.join(", ")}`,
      received: show(datatype),
    });
  }
  return datatype;
}
