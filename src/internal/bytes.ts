/** Byte arrays joined without a copy where there is nothing to join. */

/** Chunks as one array; the single chunk itself when there is just one. */
export function concatChunks(
  chunks: readonly Uint8Array[],
  total = chunks.reduce((n, c) => n + c.byteLength, 0),
): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
