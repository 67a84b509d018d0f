/**
 * Optional peer dependencies (connect and protobuf for gRPC, connect-node for the mock's gRPC server, msw for the
 * handlers) are loaded where they are first needed. When one is not installed, the user gets a ConfigError that
 * names it and the command that installs it, never the runtime's bare "module not found".
 */
import { ConfigError } from "../errors/transport-errors.js";

/**
 * Whether `error` is a module loader's "not found" for one of `packages` (or a subpath of one): Node's
 * `ERR_MODULE_NOT_FOUND` (import) or `MODULE_NOT_FOUND` (require), which name the package in their message, as
 * Bun's do; looked for down the `cause` chain too, where a test runner or bundler's runtime wraps the loader's
 * error. Anything else (a failure inside a package that is there, a missing file of this package) is not a missing
 * peer and should travel on as it is.
 */
export function isMissingPeer(error: unknown, packages: readonly string[]): boolean {
  for (let depth = 0; depth < 4 && typeof error === "object" && error !== null; depth++) {
    const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && typeof message === "string") {
      return packages.some((name) => quotes(message, name));
    }
    error = cause;
  }
  return false;
}

/**
 * The ConfigError for a missing optional peer: `<who> needs <packages> (…): npm install <install>`. `install` is
 * what follows `npm install` (default: the packages), e.g. `--save-dev msw@2`; `cause` is the loader's own error.
 */
export function missingPeerError(
  who: string,
  packages: readonly string[],
  cause: unknown,
  install = packages.join(" "),
): ConfigError {
  const listed = packages.length === 1 ? packages[0]! : `${packages.slice(0, -1).join(", ")} and ${packages.at(-1)!}`;
  const which = packages.length === 1 ? "an optional peer dependency" : "optional peer dependencies";
  return new ConfigError(
    `${who} needs ${listed} (${which} of kserve-client, not installed here): npm install ${install}`,
    { cause },
  );
}

/** Whether `message` quotes the package `name`, or a subpath of it, as loaders do: '@a/b', '@a/b/sub', "@a/b". */
function quotes(message: string, name: string): boolean {
  return ["'", '"'].some(
    (quote) => message.includes(`${quote}${name}${quote}`) || message.includes(`${quote}${name}/`),
  );
}
