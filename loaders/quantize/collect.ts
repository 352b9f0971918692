// Range collection: run the float model in ONNX Runtime with the tensors to quantize exposed as graph
// outputs (as ORT's own calibrator augments the graph) and keep per tensor its min, max and, when a
// method needs it, a histogram. Two passes over the samples: min/max first, then histograms over
// [-absmax, absmax] with fixed bins, so no activation is kept in memory between samples.

import type {ModelProto} from "../models/onnx.ts";
import type {InputSpec} from "./inputs.ts";
import {openRunner, withOutputs} from "./session.ts";

/** Signed histogram bins over [-absmax, absmax]: 2048 per side, folded for |x| and merged for entropy. */
export const HIST_BINS = 4096;

export interface TensorStats {
  name: string;
  min: number;
  max: number;
  /** Values seen (all samples). */
  count: number;
  /** Counts over [-absmax, absmax] in HIST_BINS equal bins; absent when no histogram was asked for. */
  hist?: Float64Array;
}

export function absMax(s: Pick<TensorStats, "min" | "max">): number {
  return Math.max(Math.abs(s.min), Math.abs(s.max));
}

export interface CollectOptions {
  histograms: boolean;
  threads?: number;
  signal?: AbortSignal;
  /** Called after each sample of each pass (for progress). */
  onSample?: (pass: 1 | 2, index: number) => void;
}

/**
 * Add one tensor's values to a histogram of HIST_BINS bins over [-m, m], binned as numpy.histogram does
 * (ORT's calibrator uses it): the index from the scaled value, then corrected against the bin edges, so
 * a value on an edge goes to the bin above and exact zeros (half of a post-ReLU tensor) land in the bin
 * [0, m / 2048), never below it through rounding of m * (HIST_BINS / 2m).
 */
export function addToHistogram(hist: Float64Array, data: Float32Array, m: number): void {
  if (m <= 0) {
    hist[HIST_BINS / 2] += data.length;
    return;
  }
  const k = HIST_BINS / (2 * m);
  const last = HIST_BINS - 1;
  const edges = histogramEdges(m);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    let b = Math.floor((v + m) * k);
    if (b < 0) b = 0;
    else if (b > last) b = last;
    if (v < edges[b]) b = Math.max(0, b - 1);
    else if (b < last && v >= edges[b + 1]) b++;
    hist[b]++;
  }
}

/** numpy.linspace(-m, m, HIST_BINS + 1): the middle edge is exactly 0 (HIST_BINS is a power of two). */
export function histogramEdges(m: number): Float64Array {
  const step = (2 * m) / HIST_BINS;
  const edges = new Float64Array(HIST_BINS + 1);
  for (let j = 0; j < HIST_BINS; j++) edges[j] = j * step - m;
  edges[HIST_BINS] = m;
  return edges;
}

export async function collectStats(model: ModelProto, names: readonly string[], samples: readonly Float32Array[], spec: InputSpec, o: CollectOptions): Promise<Map<string, TensorStats>> {
  const runner = await openRunner(withOutputs(model, names), {opt: "basic", threads: o.threads});
  const stats = new Map<string, TensorStats>(names.map((name) => [name, {name, min: Infinity, max: -Infinity, count: 0}]));
  try {
    for (const [i, sample] of samples.entries()) {
      o.signal?.throwIfAborted();
      const out = await runner.run(sample, spec.shape, names);
      for (const name of names) {
        const data = out[name];
        const s = stats.get(name)!;
        if (!data) continue;
        let lo = s.min;
        let hi = s.max;
        for (let j = 0; j < data.length; j++) {
          const v = data[j];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        s.min = lo;
        s.max = hi;
        s.count += data.length;
      }
      o.onSample?.(1, i);
    }
    for (const s of stats.values()) if (s.count === 0) stats.delete(s.name);
    if (o.histograms) {
      for (const s of stats.values()) s.hist = new Float64Array(HIST_BINS);
      for (const [i, sample] of samples.entries()) {
        o.signal?.throwIfAborted();
        const out = await runner.run(sample, spec.shape, [...stats.keys()]);
        for (const s of stats.values()) addToHistogram(s.hist!, out[s.name], absMax(s));
        o.onSample?.(2, i);
      }
    }
  } finally {
    await runner.release();
  }
  return stats;
}
