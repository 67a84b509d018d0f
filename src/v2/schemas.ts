/**
 * Envelope checks with zod/mini (small in bundles): names, datatypes, shapes and parameters, tolerant of the
 * `null`s real servers send. Tensor data is never checked here: the tensor codecs do that in one typed pass.
 */
import * as z from "zod/mini";
import { ProtocolError } from "../tensor/index.js";

const nullableString = z.optional(z.nullable(z.string()));
const parameters = z.optional(z.nullable(z.record(z.string(), z.unknown())));

export const serverMetadataSchema = z.object({
  name: z.string(),
  version: nullableString,
  extensions: z.optional(z.nullable(z.array(z.string()))),
});

const tensorMetadata = z.object({
  name: z.string(),
  datatype: z.string(),
  shape: z.array(z.int()),
});

export const modelMetadataSchema = z.object({
  name: z.string(),
  versions: z.optional(z.nullable(z.array(z.string()))),
  platform: z.optional(z.nullable(z.string())),
  inputs: z.optional(z.nullable(z.array(tensorMetadata))),
  outputs: z.optional(z.nullable(z.array(tensorMetadata))),
});

/** The fields of an inference response besides its outputs (Triton omits `id`; KServe sends `null`s). */
export const inferResponseFieldsSchema = z.object({
  model_name: z.string(),
  model_version: nullableString,
  id: nullableString,
  parameters,
});

/** `value` checked against `schema`; a ProtocolError naming every problem by path otherwise. */
export function parseEnvelope<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  throw new ProtocolError(`The server's ${what} does not have the expected shape: ${problems.join("; ")}.`, {
    path: result.error.issues[0]?.path.join("."),
    expected: what,
    received: problems.join("; "),
  });
}
