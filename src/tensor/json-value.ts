/** A JSON value; integers beyond ±(2^53 - 1) are `bigint` so they stay exact. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Tensor or request parameters, as in the protocol's `parameters` object. */
export type TensorParameters = Readonly<Record<string, JsonValue>>;
