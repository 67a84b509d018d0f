/**
 * Progress of a long wait: on a terminal one status line that is rewritten in place (readline's cursor calls) under
 * the lines that stay; in a log or a pipe, plain lines only.
 */
import { clearLine, cursorTo } from "node:readline";

export interface ProgressOutput {
  /** A line that stays. */
  line(text: string): void;
  /** The status line: rewritten on a terminal, a plain line elsewhere. */
  status(text: string): void;
  /** Remove the status line (before the command's last output). */
  done(): void;
}

export function progressOutput(stream: NodeJS.WritableStream & { isTTY?: boolean | undefined }): ProgressOutput {
  let shown = false;
  const clear = () => {
    if (!shown) return;
    clearLine(stream, 0);
    cursorTo(stream, 0);
    shown = false;
  };
  return {
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
    status(text) {
      if (!stream.isTTY) {
        stream.write(`${text}\n`);
        return;
      }
      clear();
      stream.write(text);
      shown = true;
    },
    done: clear,
  };
}
