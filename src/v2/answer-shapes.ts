/**
 * Shape checks of JSON answers with zod/mini (small in bundles): names, datatypes, shapes and parameters, tolerant of the
 * `null`s real servers send. Tensor data is never checked here: the tensor codecs do that in one typed pass.
 *
 * Only a few zod schema kinds are used, to keep the bundle small: `parameters` is a loose object (any JSON
 * object; the same check as a string-keyed record, and it drops a `__proto__` key just as a record does), and a
 * shape entry is checked with `Number.isSafeInteger` (exactly what `z.int()` accepts) rather than `z.int()`,
 * which pulls in zod's number-format checks.
 */
import * as z from "zod/mini";

const nullableString = z.optional(z.nullable(z.string()));
const parameters = z.optional(z.nullable(z.looseObject({})));
const dimension = z.custom<number>(Number.isSafeInteger);

export const serverMetadataSchema = z.object({
  name: z.string(),
  version: nullableString,
  extensions: z.optional(z.nullable(z.array(z.string()))),
});

const tensorMetadata = z.object({
  name: z.string(),
  datatype: z.string(),
  shape: z.array(dimension),
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
