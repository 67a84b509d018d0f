/** `HttpError`, the error of a non-2xx answer; its code is what status-codes.ts says its status means. */
import { KServeError, type KServeErrorOptions, tagErrorClass } from "./kserve-error.js";
import { codeForStatus } from "./status-codes.js";

export { codeForStatus };

/** Options of {@link HttpError}. */
export interface HttpErrorOptions extends KServeErrorOptions {
  status: number;
  /** Response headers, credentials already redacted. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The response body as text (cut to a few KiB). */
  body?: string | undefined;
}

/** The server answered with a non-2xx status. `code` follows the status (see {@link codeForStatus}). */
export class HttpError extends KServeError {
  declare readonly status: number;
  /** Response headers, credentials redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body as text, cut to a few KiB (core/http-error.ts's MAX_ERROR_BODY). */
  readonly body: string;

  constructor(message: string, options: HttpErrorOptions) {
    super(codeForStatus(options.status), message, options);
    this.headers = options.headers ?? {};
    this.body = options.body ?? "";
  }
}

tagErrorClass(HttpError, "HttpError");
