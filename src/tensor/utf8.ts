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
