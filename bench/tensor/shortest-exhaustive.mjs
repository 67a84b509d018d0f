// @ts-check
// Every positive float32 (2,139,095,039 finite non-zero bit patterns; a negative one is written as its mirror) through
// shortestFloat32 (src/tensor/shortest-float.ts, built from source), each checked independently of its search, with
// toExponential, parseFloat and exact bigint arithmetic:
//   - the decimal reads back as the value for both readers: one that parses a double and rounds it to float32
//     (Python's json, numpy), one that rounds the decimal itself (strtof, Go's ParseFloat(s, 32)); they part only
//     where the double is a float32 midpoint that the decimal is not exactly;
//   - no decimal one digit shorter does (the nearest of that length and its other neighbour are tried);
//   - of that length it is the nearest that does, the even one at an exact tie.
// Prints any value that fails, then the counts. About an hour on two idle cores.
//   node bench/tensor/shortest-exhaustive.mjs               all of them, one worker per core
//   node bench/tensor/shortest-exhaustive.mjs 0x3f800000 0x40000000    the bit patterns in [from, to)
import { build } from "esbuild";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const CHUNK = 2 ** 22;

if (isMainThread) {
  const [from = 1, to = 0x7f800000] = process.argv.slice(2).map(Number);
  const built = await build({
    entryPoints: [fileURLToPath(new URL("../../src/tensor/shortest-float.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  const code = built.outputFiles[0]?.text ?? "";
  const totals = { count: 0, bad: 0, ties: 0, exactMidpoints: 0 };
  let next = from;
  let done = 0;
  const chunks = Math.ceil((to - from) / CHUNK);
  const started = Date.now();
  const run = () =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { code } });
      const give = () => {
        if (next >= to) return void worker.terminate().then(resolve);
        const end = Math.min(next + CHUNK, to);
        worker.postMessage([next, end]);
        next = end;
      };
      worker.on(
        "message",
        (/** @type {{ lines: string[], count: number, bad: number, ties: number, exactMidpoints: number }} */ r) => {
          for (const line of r.lines) console.log(line);
          totals.count += r.count;
          totals.bad += r.bad;
          totals.ties += r.ties;
          totals.exactMidpoints += r.exactMidpoints;
          done++;
          process.stderr.write(
            `\r${done}/${chunks} chunks, ${totals.bad} failing, ${Math.round((Date.now() - started) / 1000)} s`,
          );
          give();
        },
      );
      worker.on("error", reject);
      give();
    });
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), chunks) }, run));
  process.stderr.write("\n");
  console.log(JSON.stringify({ from, to, ...totals, seconds: Math.round((Date.now() - started) / 1000) }));
  process.exitCode = totals.bad === 0 ? 0 : 1;
} else {
  const { shortestFloat32 } = await import(
    `data:text/javascript;base64,${Buffer.from(workerData.code).toString("base64")}`
  );
  const f = Math.fround;
  const u = new Uint32Array(1);
  const fl = new Float32Array(u.buffer);
  const f64 = new Float64Array(1);
  const f64Bits = new BigUint64Array(f64.buffer);
  /** The doubles nearest 10^-46 … 10^39: no float32 is any of them, so comparing with them is exact. */
  const POW = Array.from({ length: 86 }, (_, i) => parseFloat(`1e${i - 46}`));

  /** @param {number} d */
  const isMidpoint = (d) => {
    const near = f(d);
    if (near === d) return false;
    fl[0] = near;
    u[0] = (u[0] ?? 0) + (near < d ? 1 : -1);
    return (near + (fl[0] ?? 0)) / 2 === d;
  };
  /** @param {number} x  a positive double as m · 2^e */
  const dyadic = (x) => {
    f64[0] = x;
    const bits = f64Bits[0] ?? 0n;
    const exp = (bits >> 52n) & 0x7ffn;
    return exp === 0n
      ? { m: bits & 0xfffffffffffffn, e: -1074n }
      : { m: (bits & 0xfffffffffffffn) | (1n << 52n), e: exp - 1075n };
  };
  /** Whether the decimal n · 10^-k is exactly the double d. @param {string | number} n @param {number} k @param {number} d */
  const exactly = (n, k, d) => {
    const { m, e } = dyadic(d);
    let left = BigInt(n);
    let right = m;
    if (k >= 0) right *= 10n ** BigInt(k);
    else left *= 10n ** BigInt(-k);
    if (e >= 0n) right <<= e;
    else left <<= -e;
    return left === right;
  };
  /** x · 10^k as num / den, exactly. @param {number} x @param {number} k */
  const scaled = (x, k) => {
    const { m, e } = dyadic(x);
    const ten = 10n ** BigInt(Math.abs(k));
    return {
      num: m * (e > 0n ? 1n << e : 1n) * (k > 0 ? ten : 1n),
      den: (e < 0n ? 1n << -e : 1n) * (k < 0 ? ten : 1n),
    };
  };
  /** A positive number's text as n · 10^-k, n its significant digits. @param {string} s */
  const decimalOf = (s) => {
    const at = s.indexOf("e");
    const mantissa = at < 0 ? s : s.slice(0, at);
    const dot = mantissa.indexOf(".");
    let digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
    let k = (dot < 0 ? 0 : mantissa.length - dot - 1) - (at < 0 ? 0 : Number(s.slice(at + 1)));
    let lead = 0;
    while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
    let end = digits.length;
    while (end > lead + 1 && digits.charCodeAt(end - 1) === 48) end--, k--;
    digits = digits.slice(lead, end);
    return { n: digits, k };
  };
  /** Whether a lies exactly halfway between the decimals written for x and y. @param {number} a @param {number} x @param {number} y */
  const isTie = (a, x, y) => {
    const p = decimalOf(String(x));
    const q = decimalOf(String(y));
    const K = Math.max(p.k, q.k);
    const { num, den } = scaled(a, K);
    return (BigInt(p.n) * 10n ** BigInt(K - p.k) + BigInt(q.n) * 10n ** BigInt(K - q.k)) * den === 2n * num;
  };
  /** The decimal n · 10^-k reads back as v for both readers. @param {number} n @param {number} k @param {number} v */
  const readsBack = (n, k, v) => {
    const parsed = parseFloat(`${n}e${-k}`);
    return f(parsed) === v && (!isMidpoint(parsed) || exactly(n, k, parsed));
  };

  parentPort?.on("message", ([from, to]) => {
    const r = { lines: /** @type {string[]} */ ([]), count: 0, bad: 0, ties: 0, exactMidpoints: 0 };
    /** @param {string} what @param {number} bits @param {number} v @param {unknown[]} more */
    const fail = (what, bits, v, ...more) => {
      r.bad++;
      if (r.lines.length < 100) r.lines.push(`FAIL ${what}: bits 0x${bits.toString(16)} (${v}) ${more.join(" ")}`);
    };
    for (let bits = from; bits < to; bits++) {
      u[0] = bits;
      const v = fl[0] ?? NaN;
      if (!(v < Infinity) || v === 0) continue;
      r.count++;
      const out = shortestFloat32(v);
      if (f(out) !== v) {
        fail("does not read back", bits, v, `gave ${out}`);
        continue;
      }
      const text = String(out);
      const dec = decimalOf(text);
      if (isMidpoint(out)) {
        if (!exactly(dec.n, dec.k, out)) {
          fail("a float32 midpoint it is not", bits, v, `gave ${text}`);
          continue;
        }
        r.exactMidpoints++;
      }
      const digits = dec.n.length;
      let e = Math.floor(Math.log10(v));
      if (v < (POW[e + 46] ?? 0)) e--;
      else if (v >= (POW[e + 47] ?? Infinity)) e++;
      if (digits > 1) {
        // The decimals one digit shorter either side of v, on the grid of v's own decade.
        const d = digits - 1;
        const t = v.toExponential(d - 1);
        const at = t.indexOf("e");
        let n = Number(t.slice(0, at).replace(".", ""));
        if (Number(t.slice(at + 1)) > e) n *= 10;
        const k = d - 1 - e;
        const nearest = parseFloat(`${n}e${-k}`);
        if (readsBack(n, k, v) || readsBack(nearest < v ? n + 1 : n - 1, k, v))
          fail("not the shortest", bits, v, `gave ${text}`);
      }
      const nearest = parseFloat(v.toExponential(digits - 1));
      if (nearest !== out && f(nearest) === v) {
        const p = decimalOf(String(nearest));
        if (!isMidpoint(nearest) || exactly(p.n, p.k, nearest)) {
          if (isTie(v, out, nearest) && Number(dec.n.at(-1)) % 2 === 0) r.ties++;
          else fail("not the nearest", bits, v, `gave ${text}, nearer ${nearest}`);
        }
      }
    }
    parentPort?.postMessage(r);
  });
}
