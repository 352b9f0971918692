// The three ways `inferscope sweep pipeline` runs the same image workload (workload.js):
//   sync      one loop in this thread: generate + preprocess, infer, postprocess, next image;
//   parallel  N runner threads, one session each, each doing the whole pipeline on images it takes
//             from a shared counter;
//   queue     this thread generates, preprocesses and postprocesses; N inference threads (one session
//             each) take submitted tensors and send back scores (submit/receive, up to 2N in flight).
// Each mode reports wall time, per-image latency and every worker's inference / pre+post / idle time.

import {createHash} from "node:crypto";
import {Worker} from "node:worker_threads";
import {makeImage, openPipelineSession, postprocess, preprocess} from "./workload.js";

export const MODES = ["sync", "parallel", "queue"] as const;
export type PipelineMode = (typeof MODES)[number];

const WORKER = new URL("./worker.js", import.meta.url);

export interface PipelineOptions {
  modelFile: string;
  images: number;
  workers: number;
  threads: number;
  optLevel: string;
  imageW: number;
  imageH: number;
  signal?: AbortSignal;
}

export interface WorkerUsage {
  worker: string;
  role: "loop" | "runner" | "host" | "inference";
  images: number;
  infer_ms: number;
  prepost_ms: number;
}

export interface ModeResult {
  mode: PipelineMode;
  workers: number;
  images_done: number;
  total_ms: number;
  latencies_ms: number[];
  /** Top-5 classes of every image, by image index. */
  top5: number[][];
  usage: WorkerUsage[];
  input_size: string;
}

/** A hash of the top-5 classes in image order: two modes that computed the same results agree. */
export function top5Digest(top5: readonly number[][]): string {
  return createHash("sha256").update(top5.map((t) => (t ? t.join(",") : "missing")).join(";")).digest("hex").slice(0, 16);
}

async function runSync(o: PipelineOptions): Promise<ModeResult> {
  const session = await openPipelineSession({modelFile: o.modelFile, threads: o.threads, optLevel: o.optLevel});
  const top5: number[][] = [];
  const latencies_ms: number[] = [];
  let infer_ms = 0;
  let prepost_ms = 0;
  const start = performance.now();
  try {
    for (let i = 0; i < o.images && !o.signal?.aborted; i++) {
      const t0 = performance.now();
      const input = preprocess(makeImage(i, o.imageW, o.imageH), o.imageW, o.imageH, session.channels, session.height, session.width);
      const t1 = performance.now();
      const scores = await session.run(input);
      const t2 = performance.now();
      top5[i] = postprocess(scores, 5).map((t) => t.cls);
      const t3 = performance.now();
      infer_ms += t2 - t1;
      prepost_ms += t1 - t0 + (t3 - t2);
      latencies_ms.push(t3 - t0);
    }
  } finally {
    await session.release();
  }
  const total_ms = performance.now() - start;
  return {mode: "sync", workers: 1, images_done: latencies_ms.length, total_ms, latencies_ms, top5, usage: [{worker: "loop", role: "loop", images: latencies_ms.length, infer_ms, prepost_ms}], input_size: `${session.channels}x${session.height}x${session.width}`};
}

/** Start a worker thread and wait until its session is loaded. */
function startWorker(data: Record<string, unknown>): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {workerData: data});
    const onMessage = (m: {type: string; error?: string}) => {
      if (m.type === "ready") {
        worker.off("error", reject);
        worker.off("message", onMessage);
        resolve(worker);
      } else if (m.type === "failed") reject(new Error(`pipeline worker cannot load the model: ${m.error}`));
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
}

async function startWorkers(n: number, data: Record<string, unknown>): Promise<Worker[]> {
  const started = await Promise.allSettled(Array.from({length: n}, () => startWorker(data)));
  const failed = started.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
  if (failed) {
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.terminate() : null)));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<Worker>).value);
}

function inputSize(modelFile: string, threads: number, optLevel: string): Promise<string> {
  return openPipelineSession({modelFile, threads, optLevel}).then(async (s) => {
    await s.release();
    return `${s.channels}x${s.height}x${s.width}`;
  });
}

async function runParallel(o: PipelineOptions): Promise<ModeResult> {
  const shared = new SharedArrayBuffer(8);
  const state = new Int32Array(shared);
  const workers = await startWorkers(o.workers, {role: "runner", modelFile: o.modelFile, threads: o.threads, optLevel: o.optLevel, imageW: o.imageW, imageH: o.imageH, shared, images: o.images});
  const onAbort = () => Atomics.store(state, 1, 1);
  o.signal?.addEventListener("abort", onAbort);
  try {
    const start = performance.now();
    const done = await Promise.all(
      workers.map(
        (w) =>
          new Promise<{results: {index: number; top5: number[]; latency_ms: number}[]; infer_ms: number; prepost_ms: number}>((resolve, reject) => {
            w.once("message", resolve);
            w.once("error", reject);
            w.postMessage({type: "go"});
          })
      )
    );
    const total_ms = performance.now() - start;
    const top5: number[][] = [];
    const latencies_ms: number[] = [];
    for (const d of done) {
      for (const r of d.results) {
        top5[r.index] = r.top5;
        latencies_ms.push(r.latency_ms);
      }
    }
    return {
      mode: "parallel",
      workers: o.workers,
      images_done: latencies_ms.length,
      total_ms,
      latencies_ms,
      top5,
      usage: done.map((d, i) => ({worker: `runner ${i + 1}`, role: "runner", images: d.results.length, infer_ms: d.infer_ms, prepost_ms: d.prepost_ms})),
      input_size: await inputSize(o.modelFile, 1, o.optLevel)
    };
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function runQueue(o: PipelineOptions): Promise<ModeResult> {
  const size = await openPipelineSession({modelFile: o.modelFile, threads: 1, optLevel: o.optLevel}).then(async (s) => {
    await s.release();
    return s;
  });
  const workers = await startWorkers(o.workers, {role: "inference", modelFile: o.modelFile, threads: o.threads, optLevel: o.optLevel});
  const depth = 2 * o.workers;
  const top5: number[][] = [];
  const latencies_ms: number[] = [];
  const began = new Map<number, number>();
  const counts = workers.map(() => 0);
  let prepost_ms = 0;
  try {
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const idle: number[] = workers.map((_, i) => i);
      const ready: {id: number; data: Float32Array}[] = [];
      let next = 0;
      let inflight = 0;
      let done = 0;
      const finished = () => done === o.images || (o.signal?.aborted && inflight === 0);
      const dispatch = () => {
        while (idle.length && ready.length) {
          const w = idle.shift()!;
          const job = ready.shift()!;
          workers[w].postMessage({type: "job", id: job.id, data: job.data}, [job.data.buffer as ArrayBuffer]);
        }
      };
      // Preprocess until 2N images are in flight; hand each to an idle worker as soon as it is ready.
      const pump = () => {
        while (next < o.images && inflight < depth && !o.signal?.aborted) {
          const i = next++;
          const t0 = performance.now();
          began.set(i, t0);
          const data = preprocess(makeImage(i, o.imageW, o.imageH), o.imageW, o.imageH, size.channels, size.height, size.width);
          prepost_ms += performance.now() - t0;
          inflight++;
          ready.push({id: i, data});
          dispatch();
        }
        if (finished()) resolve();
      };
      workers.forEach((w, wi) => {
        w.on("message", (m: {type: string; id: number; scores: Float32Array}) => {
          if (m.type !== "result") return;
          counts[wi]++;
          idle.push(wi);
          dispatch();
          const t0 = performance.now();
          top5[m.id] = postprocess(m.scores, 5).map((t) => t.cls);
          const t1 = performance.now();
          prepost_ms += t1 - t0;
          latencies_ms.push(t1 - began.get(m.id)!);
          began.delete(m.id);
          inflight--;
          done++;
          pump();
        });
        w.once("error", reject);
      });
      pump();
    });
    const total_ms = performance.now() - start;
    const stats = await Promise.all(
      workers.map(
        (w) =>
          new Promise<{infer_ms: number; images: number}>((resolve) => {
            w.on("message", (m: {type: string; infer_ms: number; images: number}) => {
              if (m.type === "done") resolve(m);
            });
            w.postMessage({type: "stop"});
          })
      )
    );
    return {
      mode: "queue",
      workers: o.workers,
      images_done: latencies_ms.length,
      total_ms,
      latencies_ms,
      top5,
      usage: [
        {worker: "host", role: "host", images: latencies_ms.length, infer_ms: 0, prepost_ms},
        ...stats.map((s, i) => ({worker: `inference ${i + 1}`, role: "inference" as const, images: counts[i], infer_ms: s.infer_ms, prepost_ms: 0}))
      ],
      input_size: `${size.channels}x${size.height}x${size.width}`
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export function runMode(mode: PipelineMode, o: PipelineOptions): Promise<ModeResult> {
  return mode === "sync" ? runSync(o) : mode === "parallel" ? runParallel(o) : runQueue(o);
}
