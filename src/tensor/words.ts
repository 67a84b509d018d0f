/** Host byte order and 64-bit words: shared by everything that writes INT64/UINT64 without a bigint. Internal. */

/** True when this host stores typed-array elements little-endian (every mainstream one does). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Index of the low 32-bit word of a 64-bit element within a Uint32Array view. */
export const LOW_WORD = HOST_LITTLE_ENDIAN ? 0 : 1;

export const TWO_32 = 4294967296;

/** Write a safe integer as the 64-bit two's complement element `index` of `words`. */
export function writeSafeInteger(words: Uint32Array, index: number, value: number): void {
  words[2 * index + LOW_WORD] = value; // ToUint32: value mod 2^32, also right for negatives
  words[2 * index + 1 - LOW_WORD] = Math.floor(value / TWO_32);
}

/** Read element `index` of `words` as a number; exact when the element is a safe integer. */
export function readSafeInteger(words: Uint32Array, index: number): number {
  return (words[2 * index + 1 - LOW_WORD]! | 0) * TWO_32 + words[2 * index + LOW_WORD]!;
}
