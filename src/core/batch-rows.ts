/**
 * Tensors joined and cut along dimension 0, the batch dimension: what a batcher does to its callers' inputs on the
 * way out and to the model's outputs on the way back. Pure; every datatype, BYTES and INT64 included, exact.
 */
import type { TensorData } from "../tensor/datatype.js";
import { type AnyTensor, checkedTensor, type Tensor } from "../tensor/tensor.js";

/**
 * The rows of a request: dimension 0 shared by every one of its tensors, or `undefined` when there is none to
 * share (a rank-0 tensor, tensors that disagree, no tensors).
 */
export function sharedRows(tensors: readonly Tensor[]): number | undefined {
  const rows = tensors[0]?.shape[0];
  if (rows === undefined) return undefined;
  for (const tensor of tensors) if (tensor.shape[0] !== rows) return undefined;
  return rows;
}

/**
 * `parts` one after the other along dimension 0, as one tensor named and typed as the first (the caller has
 * checked that they share name, datatype, trailing dimensions and parameters). Its data is a new array: a request
 * is one contiguous block on the wire anyway.
 */
export function joinRows(parts: readonly Tensor[]): AnyTensor {
  const first = parts[0]!;
  let rows = 0;
  let length = 0;
  for (const part of parts) {
    rows += part.shape[0]!;
    length += part.data.length;
  }
  let data: TensorData;
  if (first.datatype === "BYTES") {
    const elements: Uint8Array[] = new Array(length);
    let at = 0;
    for (const part of parts) for (const element of part.data as Uint8Array[]) elements[at++] = element;
    data = elements;
  } else {
    const fixed = first.data as Exclude<TensorData, Uint8Array[]>;
    const joined = new (fixed.constructor as new (length: number) => typeof fixed)(length);
    let at = 0;
    for (const part of parts) {
      // Same datatype, so the same typed-array class: set() copies without converting.
      joined.set(part.data as never, at);
      at += part.data.length;
    }
    data = joined;
  }
  return checkedTensor(first.name, first.datatype, [rows, ...first.shape.slice(1)], data, first.parameters);
}

/**
 * `tensor`'s rows `start` to `start + rows` (exclusive) as a tensor of their own. Fixed-size data is a view of the
 * same buffer (`subarray`), not a copy; BYTES gets a new list holding the same element arrays.
 */
export function sliceRows(tensor: Tensor, start: number, rows: number): AnyTensor {
  const shape = tensor.shape;
  const total = shape[0]!;
  const perRow = total === 0 ? 0 : tensor.data.length / total;
  const from = start * perRow;
  const to = from + rows * perRow;
  const data =
    tensor.datatype === "BYTES"
      ? (tensor.data as Uint8Array[]).slice(from, to)
      : (tensor.data as Exclude<TensorData, Uint8Array[]>).subarray(from, to);
  return checkedTensor(tensor.name, tensor.datatype, [rows, ...shape.slice(1)], data, tensor.parameters);
}
