/**
 * `kserve-client/otel`: OpenTelemetry traces and metrics for every call, REST and gRPC. The only entry that loads
 * `@opentelemetry/api` (an optional peer): apps that do not import it pay nothing for it.
 * @module
 */
export { telemetry } from "./telemetry.js";
export type { TelemetryOptions } from "./telemetry.js";
export type { Telemetry } from "../core/request-context.js";
