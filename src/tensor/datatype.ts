/** Tensor datatypes of the Open Inference Protocol, plus Triton's BF16. */
export const DATATYPES = [
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
  "BYTES",
  "BF16",
] as const;

/** One of {@link DATATYPES}; case-sensitive, as on the wire. */
export type Datatype = (typeof DATATYPES)[number];

/**
 * How each datatype's elements are held in memory. FP16 and BF16 are raw bits (IEEE binary16 and the
 * upper half of a float32); BOOL is one byte per element, 0 or 1; BYTES is one `Uint8Array` per element.
 */
export interface TensorDataMap {
  BOOL: Uint8Array;
  UINT8: Uint8Array;
  UINT16: Uint16Array;
  UINT32: Uint32Array;
  UINT64: BigUint64Array;
  INT8: Int8Array;
  INT16: Int16Array;
  INT32: Int32Array;
  INT64: BigInt64Array;
  FP16: Uint16Array;
  FP32: Float32Array;
  FP64: Float64Array;
  BYTES: Uint8Array[];
  BF16: Uint16Array;
}

/** The in-memory data of a tensor of datatype `D`. */
export type TensorData<D extends Datatype = Datatype> = TensorDataMap[D];

/** What one element reads as through `at()` and `toArray()`. */
export interface TensorElementMap {
  BOOL: boolean;
  UINT8: number;
  UINT16: number;
  UINT32: number;
  UINT64: bigint;
  INT8: number;
  INT16: number;
  INT32: number;
  INT64: bigint;
  FP16: number;
  FP32: number;
  FP64: number;
  BYTES: Uint8Array;
  BF16: number;
}

/** One element of a tensor of datatype `D`. */
export type TensorElement<D extends Datatype = Datatype> = TensorElementMap[D];

/** What one element may be given as when building a tensor. */
export interface TensorInputElementMap {
  BOOL: boolean | 0 | 1;
  UINT8: number | bigint;
  UINT16: number | bigint;
  UINT32: number | bigint;
  UINT64: number | bigint;
  INT8: number | bigint;
  INT16: number | bigint;
  INT32: number | bigint;
  INT64: number | bigint;
  FP16: number;
  FP32: number;
  FP64: number;
  BYTES: string | Uint8Array;
  BF16: number;
}

/** Nested arrays of `E`, row-major. */
export type NestedArray<E> = readonly (E | NestedArray<E>)[];

/** Every typed array a tensor can be built from (converted, with range checks, when the type differs). */
export type AnyTypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * What a tensor of datatype `D` can be built from: its own typed array (kept without copying), another
 * typed array (converted with checks), or a flat or nested array of elements (rows may be typed arrays).
 */
export type TensorInput<D extends Datatype = Datatype> =
  | TensorDataMap[D]
  | (D extends "BYTES" ? never : AnyTypedArray)
  | NestedArray<TensorInputElementMap[D] | (D extends "BYTES" ? never : AnyTypedArray)>;

/** True if `value` is one of the datatype names, spelled exactly. */
export function isDatatype(value: unknown): value is Datatype {
  return DATATYPE_SET.has(value);
}
const DATATYPE_SET: ReadonlySet<unknown> = new Set(DATATYPES);

type FixedDatatype = Exclude<Datatype, "BYTES">;
type TypedArrayConstructor = {
  new (length: number): TensorDataMap[FixedDatatype];
  readonly BYTES_PER_ELEMENT: number;
} & {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorDataMap[FixedDatatype];
};

/** The typed-array class that holds each fixed-size datatype. Internal. */
export const TYPED_ARRAY: Record<FixedDatatype, TypedArrayConstructor> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
  BF16: Uint16Array,
};

/** Bytes per element on the wire (the size of the typed array that holds it); `undefined` for BYTES, whose elements vary in size. */
export function elementByteSize(datatype: Datatype): number | undefined {
  // BYTES has no typed array: undefined, like any string that is no datatype.
  return TYPED_ARRAY[datatype as FixedDatatype]?.BYTES_PER_ELEMENT;
}
