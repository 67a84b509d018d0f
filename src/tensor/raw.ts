/**
 * Tensor elements as raw little-endian bytes, the layout of the binary tensor extension and of gRPC
 * `raw_input_contents`/`raw_output_contents`: native element size, row-major, no padding; BOOL one byte;
 * FP16/BF16 raw bits; BYTES as a 4-byte little-endian length before each element.
 */
import { type Datatype, elementByteSize, type TensorData, TYPED_ARRAY } from "./datatype.js";
import { HOST_LITTLE_ENDIAN } from "./words.js";
import { checkShape, fail, formatShape, show } from "./shape.js";
import type { TensorParameters } from "./json-value.js";
import { type AnyTensor, checkDatatype, checkedTensor, checkName, type Tensor } from "./tensor.js";

/**
 * A copy of `bytes` with each `size`-byte element's bytes reversed (`i ^ (size - 1)` within an element): between a
 * big-endian host's order and little-endian, either way. Bits move exactly, whatever the datatype (a float32 read as a
 * number, as a DataView's getFloat32 does, would quiet a signalling NaN).
 */
function swapElements(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = bytes[i ^ (size - 1)]!;
  return out;
}

/**
 * The tensor's elements as little-endian bytes. For fixed-size datatypes on little-endian hosts this is a
 * view of `tensor.data` (no copy); BYTES elements are written with their 4-byte length prefixes.
 */
export function tensorToBytes(tensor: Tensor): Uint8Array {
  return dataToBytes(tensor.datatype, tensor.data, HOST_LITTLE_ENDIAN, tensor.name);
}

/** {@link tensorToBytes} with the host's byte order as a parameter, so both paths are testable. Internal. */
export function dataToBytes(
  datatype: Datatype,
  data: TensorData,
  hostLittleEndian: boolean,
  tensor?: string,
): Uint8Array {
  if (datatype === "BYTES") return encodeBytesElements(data as Uint8Array[], tensor);
  const typed = data as Exclude<TensorData, Uint8Array[]>;
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  return hostLittleEndian ? bytes : swapElements(bytes, elementByteSize(datatype)!);
}

/** BYTES elements, each preceded by its length as a 4-byte little-endian unsigned integer. */
export function encodeBytesElements(elements: readonly Uint8Array[], tensor?: string): Uint8Array {
  let total = 0;
  for (let i = 0; i < elements.length; i++) {
    const element: unknown = elements[i];
    if (!(element instanceof Uint8Array)) {
      fail("input", "invalid BYTES element", {
        tensor,
        path: `data[${i}]`,
        expected: "a Uint8Array",
        received: show(element),
      });
    }
    const length = element.byteLength;
    if (length > 0xffffffff) {
      fail("input", "BYTES element too large", {
        tensor,
        path: `data[${i}]`,
        expected: "fewer than 2^32 bytes",
        received: `${length} bytes`,
      });
    }
    total += 4 + length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const element of elements) {
    view.setUint32(offset, element.byteLength, true);
    out.set(element, offset + 4);
    offset += 4 + element.byteLength;
  }
  return out;
}

/**
 * Build a tensor from its elements' little-endian bytes (a binary section or a gRPC raw content).
 * Fixed-size datatypes become a typed-array view of `bytes` (no copy) when the offset is aligned for the
 * element size, and one copy otherwise; BYTES elements are views of `bytes`.
 *
 * @returns a `Tensor<"INT64">` for `"INT64"`; for a datatype known only at run time, an {@link AnyTensor}
 * @throws {ProtocolError} if the byte count does not match the shape, a BYTES length prefix runs past the
 *   end, or a BOOL byte is neither 0 nor 1
 */
export function tensorFromBytes<D extends Datatype>(
  name: string,
  datatype: D,
  shape: readonly number[],
  bytes: Uint8Array,
  parameters?: TensorParameters,
): AnyTensor<D> {
  checkName(name, "response");
  checkDatatype(datatype, "response", name);
  const count = checkShape(shape, "response", name);
  if (!(bytes instanceof Uint8Array)) {
    fail("input", "invalid bytes", { tensor: name, path: "bytes", expected: "a Uint8Array", received: show(bytes) });
  }
  const data = bytesToData(datatype, shape, count, bytes, HOST_LITTLE_ENDIAN, name) as TensorData<D>;
  return checkedTensor(name, datatype, shape, data, parameters);
}

/** {@link tensorFromBytes} on data only, with the host's byte order as a parameter. Internal. */
export function bytesToData(
  datatype: Datatype,
  shape: readonly number[],
  count: number,
  bytes: Uint8Array,
  hostLittleEndian: boolean,
  tensor?: string,
): TensorData {
  if (datatype === "BYTES") return decodeBytesElements(bytes, count, tensor);
  const size = elementByteSize(datatype)!;
  if (bytes.byteLength !== count * size) {
    fail("response", "binary data does not match shape", {
      tensor,
      expected: `${count * size} bytes (${count} × ${size}-byte ${datatype}, shape ${formatShape(shape)})`,
      received: `${bytes.byteLength} bytes`,
    });
  }
  const Ctor = TYPED_ARRAY[datatype];
  let data: Exclude<TensorData, Uint8Array[]>;
  if (hostLittleEndian && bytes.byteOffset % size === 0) {
    data = new Ctor(bytes.buffer, bytes.byteOffset, count);
  } else {
    // One copy, into a buffer of its own: as it is when unaligned on a little-endian host, each element's bytes
    // reversed on a big-endian one.
    data = new Ctor((hostLittleEndian ? bytes.slice() : swapElements(bytes, size)).buffer, 0, count);
  }
  if (datatype === "BOOL") {
    for (let i = 0; i < count; i++) {
      if (data[i]! > 1)
        fail("response", "invalid BOOL byte", {
          tensor,
          path: `data[${i}]`,
          expected: "0 or 1",
          received: `${data[i]}`,
        });
    }
  }
  return data;
}

/**
 * Split `count` length-prefixed BYTES elements (the inverse of {@link encodeBytesElements}); each element is a
 * view of `bytes`.
 *
 * @throws {ProtocolError} if a length runs past the end or bytes are left over
 */
export function decodeBytesElements(bytes: Uint8Array, count: number, tensor?: string): Uint8Array[] {
  if (count * 4 > bytes.byteLength) {
    // Checked before allocating: each element needs at least its 4-byte length.
    fail("response", "BYTES data ends early", {
      tensor,
      expected: `at least ${count * 4} bytes for ${count} length-prefixed element${count === 1 ? "" : "s"}`,
      received: `${bytes.byteLength} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<Uint8Array>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.byteLength) {
      fail("response", "BYTES data ends early", {
        tensor,
        path: `data[${i}]`,
        expected: `a 4-byte length at offset ${offset}`,
        received: `${bytes.byteLength - offset} bytes left`,
      });
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) {
      fail("response", "BYTES data ends early", {
        tensor,
        path: `data[${i}]`,
        expected: `${length} bytes at offset ${offset}`,
        received: `${bytes.byteLength - offset} bytes left`,
      });
    }
    out[i] = bytes.subarray(offset, offset + length);
    offset += length;
  }
  if (offset !== bytes.byteLength) {
    fail("response", "BYTES data has bytes left over", {
      tensor,
      expected: `${offset} bytes (${count} element${count === 1 ? "" : "s"} with their lengths)`,
      received: `${bytes.byteLength} bytes`,
    });
  }
  return out;
}
