/** Strict UTF-8, shared by everything that turns BYTES elements into text. Internal. */

// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: a leading EF BB BF is data and must be kept.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text of `bytes`, or undefined if they are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

// Pure: bundles that decode but never encode here (the gRPC client's) leave the encoder and the slab out.
const encoder = /*@__PURE__*/ new TextEncoder();
/** Texts up to this length are encoded into a shared slab; longer ones get their own buffer. */
const SLAB_TEXT_LIMIT = 2048;
const SLAB_BYTES = 16 * 1024;
let slab = /*@__PURE__*/ new Uint8Array(0);
let slabUsed = 0;

/**
 * The UTF-8 bytes of `text`. Short texts (request headers, small bodies: the common case) are written into a
 * shared slab and returned as a view of it, as Node's Buffer pool does: allocating a fresh buffer costs
 * several times the encoding itself. Slab space is never reused, so a view stays valid for as long as it is
 * held; the price is that `.buffer` of the result may be larger than the result.
 */
export function utf8Bytes(text: string): Uint8Array {
  if (text.length > SLAB_TEXT_LIMIT) return encoder.encode(text);
  // Three bytes per UTF-16 unit is the most UTF-8 can need, so the text always fits where it is written.
  if (slab.length - slabUsed < text.length * 3) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const start = slabUsed;
  slabUsed += encoder.encodeInto(text, slab.subarray(start)).written;
  return slab.subarray(start, slabUsed);
}
