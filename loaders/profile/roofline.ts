// The roofline of this host: a compute ceiling (the best GFLOP/s of a large fp32 GEMM in
// onnxruntime-node, the same kernels (MLAS) the profiled convolutions use) and a memory ceiling (the
// best GB/s of a large copy: 256 MiB copied with TypedArray.set, split over as many worker threads as
// the profile used). Both per thread count. An operator at arithmetic intensity I
// (FLOPs per byte it reads and writes) can reach at most min(peak, bandwidth x I) GFLOP/s; below the
// ridge point I* = peak / bandwidth it is memory-bound.

import onnxProto from "onnx-proto";
import {median} from "d3-array";
import {mulberry32} from "../bench/runtimes.ts";
import type {RooflineMeasurement} from "./protocol.ts";

const {onnx} = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function valueInfo(name: string, dims: number[]) {
  return {name, type: {tensorType: {elemType: FLOAT, shape: {dim: dims.map((d) => ({dimValue: d}))}}}};
}

/** A model with one node of `op` over float inputs of the given shapes; `weights` become initializers. */
export function singleOpModel(op: string, inputs: Record<string, number[]>, output: number[], weights: Record<string, {dims: number[]; data: Float32Array}> = {}): Uint8Array {
  const names = [...Object.keys(inputs), ...Object.keys(weights)];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{domain: "", version: 13}],
    producerName: "inferscope-roofline",
    graph: {
      name: op.toLowerCase(),
      node: [{name: op.toLowerCase(), opType: op, input: names, output: ["y"]}],
      initializer: Object.entries(weights).map(([name, w]) => ({name, dims: w.dims, dataType: FLOAT, rawData: new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength)})),
      input: Object.keys(inputs).map((n) => valueInfo(n, inputs[n])),
      output: [valueInfo("y", output)]
    }
  });
  return onnx.ModelProto.encode(model).finish();
}

function randomFloats(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = random() - 0.5;
  return a;
}

async function timeReps(reps: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

// A worker's part of the copy benchmark: plain JavaScript (a worker cannot start from a .ts file
// under tsx), run with eval. Each worker copies its own buffers (ordinary ArrayBuffers: V8 copies
// SharedArrayBuffers element by element, far below memcpy speed) on each "go".
const COPY_WORKER = `
const {parentPort, workerData: {bytes}} = require("node:worker_threads");
const a = new Float64Array(bytes / 8), b = new Float64Array(bytes / 8);
for (let i = 0; i < a.length; i += 512) a[i] = i; // touch every page so it is really allocated
b.set(a);
parentPort.on("message", () => { b.set(a); parentPort.postMessage("done"); });
parentPort.postMessage("ready");
`;

/** Wall time of copying `bytes` split over `threads` worker threads, per repetition (ms). */
async function parallelCopy(threads: number, bytes: number, reps: number, warmup: number): Promise<number[]> {
  const {Worker} = await import("node:worker_threads");
  const share = Math.floor(bytes / threads / 8) * 8;
  const workers = Array.from({length: threads}, () => new Worker(COPY_WORKER, {eval: true, workerData: {bytes: share}}));
  const next = (w: InstanceType<typeof Worker>) => new Promise<void>((resolve, reject) => {
    w.once("message", () => resolve());
    w.once("error", reject);
  });
  try {
    await Promise.all(workers.map(next));
    return await timeReps(reps, warmup, () => Promise.all(workers.map((w) => {
      const done = next(w);
      w.postMessage("go");
      return done;
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Measure every ceiling in this process (the caller runs it in a child, as it loads onnxruntime-node). */
export async function measureRoofline({threads, gemmN, copyBytes, reps}: {threads: number[]; gemmN: number; copyBytes: number; reps: number}): Promise<RooflineMeasurement[]> {
  const ort = await import("onnxruntime-node");
  const out: RooflineMeasurement[] = [];
  const n = gemmN;
  // B is a weight (an initializer), as a layer's weights are: ORT packs it once for MLAS's SGEMM.
  const gemm = singleOpModel("MatMul", {a: [n, n]}, [n, n], {b: {dims: [n, n], data: randomFloats(n * n, 2)}});
  const a = new ort.Tensor("float32", randomFloats(n * n, 1), [n, n]);
  for (const t of threads) {
    // A copy reads and writes every byte, in a buffer much larger than any cache.
    out.push({
      metric: "memory",
      method: `TypedArray.set of ${copyBytes / 2 ** 20} MiB split over ${t} worker thread${t > 1 ? "s" : ""}`,
      threads: t,
      unit: "GB/s",
      work: 2 * copyBytes,
      samples_ms: await parallelCopy(t, copyBytes, reps, 1)
    });
    const session = await ort.InferenceSession.create(gemm, {graphOptimizationLevel: "all", intraOpNumThreads: t, interOpNumThreads: 1, executionMode: "sequential"});
    out.push({
      metric: "compute",
      method: `onnxruntime-node MatMul ${n}x${n}x${n} fp32, B prepacked`,
      threads: t,
      unit: "GFLOP/s",
      work: 2 * n * n * n,
      samples_ms: await timeReps(2 * reps, 3, () => session.run({a}))
    });
    await session.release();
  }
  return out;
}

/** GFLOP/s or GB/s of the best and the median repetition. */
export function rates(m: Pick<RooflineMeasurement, "work" | "samples_ms">): {best: number; median: number} {
  const rate = (ms: number) => m.work / (ms / 1000) / 1e9;
  return {best: rate(Math.min(...m.samples_ms)), median: rate(median(m.samples_ms)!)};
}

export interface Ceilings {
  peak_gflops: number;
  bandwidth_gbs: number;
}

/**
 * The ceilings for a profile run with `threads` threads: the best compute and memory rates measured
 * with at most that many threads (a run cannot use cores it was not given).
 */
export function ceilingsFor(rows: readonly {metric: string; threads: number; best: number}[], threads: number): Ceilings | null {
  const usable = rows.filter((r) => r.threads <= threads);
  const pick = (metric: string) => Math.max(0, ...usable.filter((r) => r.metric === metric).map((r) => r.best));
  const c = {peak_gflops: pick("compute"), bandwidth_gbs: pick("memory")};
  return c.peak_gflops > 0 && c.bandwidth_gbs > 0 ? c : null;
}

/** FLOPs per byte at which the two ceilings meet. */
export function ridgePoint(c: Ceilings): number {
  return c.peak_gflops / c.bandwidth_gbs;
}

/** Memory-bound when the op's intensity is left of the ridge point (its bandwidth roof is lower than the compute roof). */
export function bound(intensity: number, c: Ceilings): "memory" | "compute" {
  return intensity < ridgePoint(c) ? "memory" : "compute";
}
