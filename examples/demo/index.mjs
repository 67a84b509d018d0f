// @ts-check
// `npm run demo`: what kserve-client does today. Build typed tensors, encode them the way a KServe/Triton
// server expects (JSON and the binary tensor extension), decode a real KServe binary response, see the errors
// you get for bad input, then call models on the mock KServe over loopback (V2 REST, V1, gRPC). Imports the
// package by name.
import {
  Tensor,
  decodeTensorBody,
  encodeJsonTensor,
  encodeTensorBody,
  isKServeError,
  parseJson,
  tensorFromJson,
} from "kserve-client/tensor";
import { createModelClient, createV1Client, createV2Client } from "kserve-client";
import { startMockKServe } from "kserve-client/testing";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport } from "kserve-client/node";

const line = (title) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 68 - title.length))}`);
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

line("1. Typed tensors");
const features = Tensor.fp32(
  "input-0",
  [2, 4],
  [
    [5.1, 3.5, 1.4, 0.2],
    [6.2, 2.9, 4.3, 1.3],
  ],
);
const ids = Tensor.int64("user_ids", [2], [9007199254740993n, -9223372036854775808n]);
const half = Tensor.fp16("scale", [2], [6.8, 0.1]);
const words = Tensor.bytes("text", [2], ["setosa", "virginica"]);
for (const t of [features, ids, half, words]) console.log(`${t}  data: ${t.data.constructor.name}`);
console.log("features.at(1, 2) =", features.at(1, 2));
console.log("ids.toArray()     =", ids.toArray(), "  (exact: 2^53 + 1 survives)");
console.log("half.toArray()    =", half.toArray(), "  (FP16 rounded to nearest even)");
console.log("words.strings()   =", words.strings());

line("2. JSON, as a V2 request writes it (INT64 digit for digit)");
console.log(encodeJsonTensor(ids));
console.log(encodeJsonTensor(features));

line("3. Binary tensor extension: JSON header + raw little-endian chunks");
const body = encodeTensorBody([features, ids, half], {
  key: "inputs",
  fields: { id: "demo-1" },
  binary: (t) => t.datatype !== "INT64", // FP16 must travel binary; INT64 may go either way
});
console.log(
  `Inference-Header-Content-Length: ${body.headerLength}; total ${body.byteLength} bytes in ${body.chunks.length} chunks`,
);
console.log(new TextDecoder().decode(body.chunks[0]));
console.log(`FP16 chunk (6.8, 0.1): ${hex(body.chunks[2] ?? [])}`);
console.log("FP32 chunk is a view of features.data (no copy):", body.chunks[1]?.buffer === features.data.buffer);

line("4. Decoding what a real KServe 0.14.1 server sent back");
// Captured from sklearnserver: a chunked binary response, INT64 classes at byte 166 (unaligned: copied once).
const captured = Uint8Array.from(
  atob(
    "eyJpZCI6InJlcS0yIiwibW9kZWxfbmFtZSI6ImlyaXMtY2xhc3NpZmllciIsIm1vZGVsX3ZlcnNpb24iOm51bGwsIm91dHB1dHMiOlt7Im5hbWUiOiJvdXRwdXQtMCIsInNoYXBlIjpbM10sImRhdGF0eXBlIjoiSU5UNjQiLCJwYXJhbWV0ZXJzIjp7ImJpbmFyeV9kYXRhX3NpemUiOjI0fX1dfQAAAAAAAAAAAQAAAAAAAAACAAAAAAAAAA==",
  ),
  (c) => c.charCodeAt(0),
);
const decoded = decodeTensorBody(captured, { key: "outputs", headerLength: "166" });
console.log("fields:", decoded.fields);
console.log(`${decoded.tensors[0]} →`, decoded.tensors[0]?.data);

const json = parseJson('{"outputs":[{"name":"big","shape":[2],"datatype":"UINT64","data":[18446744073709551615,1]}]}');
console.log(
  "JSON.parse would give",
  JSON.parse("[18446744073709551615]")[0],
  "— parseJson gives",
  // @ts-expect-error -- parseJson returns a JsonValue; this demo knows its shape
  tensorFromJson(json.outputs[0]).data,
);

line("5. Bad input is a typed error that says what and where");
for (const attempt of [
  () => Tensor.fp32("input-0", [2, 4], [1, 2, 3]),
  () =>
    Tensor.int8(
      "q",
      [2, 2],
      [
        [1, 2],
        [3, 300],
      ],
    ),
  () => Tensor.int64("ids", [1], [2 ** 60]),
  () => encodeJsonTensor(Tensor.fp32("x", [1], [NaN])),
]) {
  try {
    attempt();
  } catch (error) {
    console.log(isKServeError(error) ? `${error.name} ${error.message}` : error);
  }
}

line("6. Calling models: the V2 client against the mock KServe on loopback");
const mock = await startMockKServe();
try {
  const client = createV2Client({ baseUrl: mock.url, host: "iris-classifier.kserve-test.example.com" });
  console.log("server live:", await client.serverLive(), "| model ready:", await client.modelReady("iris-classifier"));
  const rows = [
    [5.1, 3.5, 1.4, 0.2],
    [6.2, 2.9, 4.3, 1.3],
    [7.7, 3.0, 6.1, 2.3],
  ];
  const res = await client.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [3, 4], rows)] });
  const species = ["setosa", "versicolor", "virginica"];
  const classes = res.output("output-0", "INT64").data;
  console.log(
    "iris classes:",
    classes,
    "→",
    Array.from(classes, (c) => species[Number(c)]),
  );
  const echo = await client.infer("echo", { inputs: [ids, half] }, { binary: "always" });
  console.log("echo over the binary extension:", echo.output("user_ids").data, echo.output("scale").toArray());
  // A typed model: its signature (here read from Triton-style metadata) checks calls before they are sent.
  const typed = createModelClient(client, "iris-onnx");
  const typedRes = await typed.infer({ "input-0": rows[2] ?? [] }); // flat: [-1, 4] resolved to [1, 4], FP32
  console.log("typed model:", JSON.stringify(await typed.signature()), "→", typedRes.output("output-0").data);
  try {
    await typed.infer({ "input-0": [[5.1, 3.5, 1.4]] });
  } catch (error) {
    console.log(isKServeError(error) ? `${error.name} ${error.message}` : error);
  }
  try {
    await client.infer("no-such-model", { inputs: [features] });
  } catch (error) {
    console.log(isKServeError(error) ? `${error.name} ${error.message}` : error);
  }

  line("7. The same model over KServe's V1 protocol (:predict)");
  const v1 = createV1Client({ baseUrl: mock.url, host: "iris-classifier.kserve-test.example.com" });
  const v1res = await v1.predict("iris-classifier", { instances: Tensor.fp32("x", [3, 4], rows) });
  console.log("models:", await v1.listModels(), "| ready:", await v1.modelReady("iris-classifier"));
  console.log("predictions:", v1res.predictions, "→ as a tensor:", v1res.tensor().data);

  line("8. The same model over gRPC (HTTP/2), same client interface");
  const transport = createNodeGrpcTransport({
    baseUrl: /** @type {string} */ (mock.grpcUrl),
    authority: "iris-classifier-grpc.kserve-test.example.com",
  });
  try {
    const grpc = createGrpcClient({ transport });
    const grpcRes = await grpc.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [3, 4], rows)] });
    const grpcClasses = grpcRes.output("output-0", "INT64").data;
    console.log(
      "iris classes over gRPC:",
      grpcClasses,
      "→",
      Array.from(grpcClasses, (c) => species[Number(c)]),
    );
    const exact = await grpc.infer("echo", { inputs: [ids] });
    console.log("INT64 through raw_input_contents, exact:", exact.output("user_ids").data);
  } finally {
    transport.close();
  }
} finally {
  await mock.close();
}
