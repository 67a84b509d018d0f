/**
 * Colours for one stream: picocolors' functions, switched on only where a person reads them. picocolors' own switch
 * looks at stdout alone and turns colours on whenever `CI` is set, even into a pipe; here each stream decides for
 * itself: `FORCE_COLOR` (other than 0) turns them on, `NO_COLOR` off, and otherwise a terminal that is not "dumb".
 */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(
  stream: { isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): Colors {
  const force = env["FORCE_COLOR"];
  const enabled =
    force !== undefined && force !== "0"
      ? true
      : env["NO_COLOR"] === undefined && stream.isTTY === true && env["TERM"] !== "dumb";
  return pc.createColors(enabled);
}
