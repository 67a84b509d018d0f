// @ts-check
// `npm run bench:tensor`: the tensor codecs on 1M-element tensors, beside the naive JSON way in the same run.
// Each comparison runs its two sides alternately; prints median times and the median of per-round ratios.
import {
  Tensor,
  decodeTensorBody,
  encodeJsonData,
  encodeJsonTensor,
  encodeTensorBody,
  parseJson,
} from "kserve-client/tensor";

const N = 1_000_000;
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 9);
const utf8 = new TextEncoder();
const gc = /** @type {() => void} */ (globalThis.gc ?? (() => {}));

/**
 * Runs `a` and `b` alternately ROUNDS times (after warm-up), so that drift in the machine's speed hits both
 * alike. Returns their median times in ms and the median of the per-round ratios b / a.
 */
function pair(a, b) {
  for (let i = 0; i < 2; i++) {
    a();
    b();
  }
  const ta = [];
  const tb = [];
  const ratios = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const t1 = once(first);
    const t2 = once(second);
    const [msA, msB] = i % 2 === 0 ? [t1, t2] : [t2, t1];
    ta.push(msA);
    tb.push(msB);
    ratios.push(msB / msA);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

function once(fn) {
  gc();
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

// Deterministic data (a linear congruential generator), so every run measures the same bytes.
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const f32 = new Float32Array(N).map(() => random() * 20 - 10);
const fp32 = Tensor.fp32("input-0", [N], f32);

const jsonBody = `{"model_name":"m","outputs":[${encodeJsonTensor(fp32)}]}`;
const jsonBytes = utf8.encode(jsonBody);
const binary = encodeTensorBody([fp32], { key: "outputs", fields: { model_name: "m" } });
const binaryBytes = concat(binary.chunks);

const smallInt64 = Tensor.int64(
  "classes",
  [N],
  new BigInt64Array(N).map(() => BigInt(Math.floor(random() * 1000))),
);
const bigInt64 = Tensor.int64(
  "ids",
  [N],
  new BigInt64Array(N).map(
    () => (BigInt(Math.floor(random() * 2 ** 31)) << 32n) | BigInt(Math.floor(random() * 2 ** 32)),
  ),
);
const smallInt64Bytes = utf8.encode(`{"outputs":[${encodeJsonTensor(smallInt64)}]}`);
const bigInt64Bytes = utf8.encode(`{"outputs":[${encodeJsonTensor(bigInt64)}]}`);
const bigInt64Text = new TextDecoder().decode(bigInt64Bytes);
// Mostly small values and one beyond 2^53 at the very end: the case a prefix check cannot see.
const lateBig = new BigInt64Array(smallInt64.data);
lateBig[N - 1] = 2n ** 60n;
const lateBigBytes = utf8.encode(`{"outputs":[${encodeJsonTensor(Tensor.int64("classes", [N], lateBig))}]}`);
// FP32 values as people write them (5.1, 0.25, -1.3: two decimals at most, in ±10), whose float32s are not those
// decimals (5.099999904632568): JSON text has them as the shortest decimals, the naive way as the doubles.
const human = new Float32Array(N).map(() => Math.round((random() * 20 - 10) * 100) / 100);
const fp32Human = Tensor.fp32("input-0", [N], human);
// What a client without this SDK does with a response body: decode the bytes, JSON.parse (and lose precision).
const utf8Decoder = new TextDecoder();
const naiveParse = (bytes) => JSON.parse(utf8Decoder.decode(bytes));

const rows = [];
/** Measure `ours` against `baseline`, alternating; the ratio is ours / baseline (below 1: ours is faster). */
const compare = (group, baselineName, baseline, oursName, ours) => {
  const { a, b, ratio } = pair(baseline, ours);
  rows.push({ group, name: baselineName, ms: a }, { group, name: oursName, ms: b });
  return ratio;
};

// FP32, 1M elements.
const encodeVsNaive = compare(
  "FP32 1M encode",
  "naive JSON.stringify({data: Array.from(f32)})",
  () => JSON.stringify({ data: Array.from(f32) }),
  "encodeJsonTensor (JSON)",
  () => encodeJsonTensor(fp32),
);
const binaryVsJsonEncode = compare(
  "FP32 1M encode",
  "encodeJsonTensor (JSON)",
  () => encodeJsonTensor(fp32),
  "encodeTensorBody (binary)",
  () => encodeTensorBody([fp32], { key: "outputs" }),
);
const decodeVsNaive = compare(
  "FP32 1M decode",
  "naive JSON.parse(utf8 decode of the body)",
  () => naiveParse(jsonBytes),
  "decodeTensorBody (JSON body → Float32Array)",
  () => decodeTensorBody(jsonBytes, { key: "outputs" }),
);
const binaryVsJsonDecode = compare(
  "FP32 1M decode",
  "decodeTensorBody (JSON body → Float32Array)",
  () => decodeTensorBody(jsonBytes, { key: "outputs" }),
  "decodeTensorBody (binary body → Float32Array)",
  () => decodeTensorBody(binaryBytes, { key: "outputs", headerLength: binary.headerLength }),
);

// FP32 as JSON text with the shortest digits that read back as the same float32, against what the naive way
// writes for the same data (the float32s' doubles, 17 digits or so).
const naiveText = (data) => JSON.stringify(Array.from(data));
const shortRandom = compare(
  "FP32 1M to JSON text, random values",
  "naive JSON.stringify(Array.from(f32))",
  () => naiveText(f32),
  "encodeJsonData (shortest digits)",
  () => encodeJsonData(fp32),
);
const shortHuman = compare(
  "FP32 1M to JSON text, values like 5.1, 0.25, -1.3",
  "naive JSON.stringify(Array.from(f32))",
  () => naiveText(human),
  "encodeJsonData (shortest digits)",
  () => encodeJsonData(fp32Human),
);

// INT64, 1M elements, lossless: small values (class ids) and values beyond 2^53 (ids, hashes).
const smallVsParse = compare(
  "INT64 1M decode, values < 1000",
  "naive JSON.parse(utf8 decode of the body)",
  () => naiveParse(smallInt64Bytes),
  "decodeTensorBody → BigInt64Array",
  () => decodeTensorBody(smallInt64Bytes, { key: "outputs" }),
);
const bigVsParse = compare(
  "INT64 1M decode, values up to 2^63",
  "naive JSON.parse(utf8 decode of the body) — rounds them",
  () => naiveParse(bigInt64Bytes),
  "decodeTensorBody → BigInt64Array",
  () => decodeTensorBody(bigInt64Bytes, { key: "outputs" }),
);
const lateVsParse = compare(
  "INT64 1M decode, values < 1000 but the last 2^60",
  "naive JSON.parse(utf8 decode of the body) — rounds it",
  () => naiveParse(lateBigBytes),
  "decodeTensorBody → BigInt64Array",
  () => decodeTensorBody(lateBigBytes, { key: "outputs" }),
);
const publicParseVsParse = compare(
  "INT64 1M parse, values up to 2^63",
  "JSON.parse(text) — rounds them",
  () => JSON.parse(bigInt64Text),
  "parseJson(text): a bigint per value",
  () => parseJson(bigInt64Text),
);

const fmt = (ms) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(1));
console.log(
  `kserve-client tensor codecs — ${process.version}, ${N.toLocaleString("en")} elements, median of ${ROUNDS}\n`,
);
console.log("| case | implementation | median ms |");
console.log("| --- | --- | ---: |");
for (const r of rows) console.log(`| ${r.group} | ${r.name} | ${fmt(r.ms)} |`);

const targets = [
  ["JSON encode vs naive JSON.stringify (target ≤ 1×)", encodeVsNaive, encodeVsNaive <= 1],
  [
    "FP32 shortest-digit JSON text vs naive JSON.stringify(Array.from(f32)), random values (target ≤ 1×)",
    shortRandom,
    shortRandom <= 1,
  ],
  [
    "FP32 shortest-digit JSON text vs naive JSON.stringify(Array.from(f32)), values like 5.1 (target ≤ 1×)",
    shortHuman,
    shortHuman <= 1,
  ],
  ["binary encode vs JSON encode (target ≤ 1/50×)", binaryVsJsonEncode, binaryVsJsonEncode <= 1 / 50],
  ["binary decode vs JSON decode (target ≤ 1/50×)", binaryVsJsonDecode, binaryVsJsonDecode <= 1 / 50],
  ["INT64 exact decode vs naive JSON.parse, values < 1000 (target ≤ 2×)", smallVsParse, smallVsParse <= 2],
  ["INT64 exact decode vs naive JSON.parse, values up to 2^63 (target ≤ 2×)", bigVsParse, bigVsParse <= 2],
  [
    "INT64 exact decode vs naive JSON.parse, values < 1000 but the last 2^60 (target ≤ 2×)",
    lateVsParse,
    lateVsParse <= 2,
  ],
  ["FP32 JSON decode vs naive JSON.parse (no target; for scale)", decodeVsNaive, true],
  ["parseJson vs JSON.parse, values up to 2^63 (no target; the generic JSON API)", publicParseVsParse, true],
];
console.log("\n| comparison (median of per-round ratios, ours / baseline) | ratio | met |");
console.log("| --- | ---: | :---: |");
for (const [name, ratio, ok] of targets) {
  const shown = ratio < 0.01 ? `1/${Math.round(1 / ratio)}` : ratio.toFixed(2);
  console.log(`| ${name} | ${shown}× | ${ok ? "yes" : "NO"} |`);
}

console.log("\n| FP32 1M as JSON text | naive (doubles) | shortest digits | size |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, data, tensor] of /** @type {const} */ ([
  ["random values", f32, fp32],
  ["values like 5.1", human, fp32Human],
])) {
  const naive = naiveText(data).length;
  const ours = encodeJsonData(tensor).length;
  console.log(
    `| ${name} | ${naive.toLocaleString("en")} B | ${ours.toLocaleString("en")} B | ${((ours / naive) * 100).toFixed(0)}% |`,
  );
}
