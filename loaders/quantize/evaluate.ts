// How close the quantized model stays to the float one, without labels: on held-out inputs, top-1
// agreement, top-5 overlap and cosine similarity of the outputs, the output's signal-to-quantization-
// noise ratio, and the same SQNR for every quantized tensor (float and quantized graphs compared at
// the same tensor names) to show where precision is lost.

import {readModel, type ModelProto} from "../models/onnx.ts";
import type {InputSpec} from "./inputs.ts";
import type {Range} from "./calibrate.ts";
import {openRunner, withOutputs, type Runner} from "./session.ts";

export interface Agreement {
  samples: number;
  /** Share of samples whose top-1 class is the same. */
  top1: number;
  /** Mean share of the float top-5 classes found in the quantized top-5. */
  top5: number;
  cosine_mean: number;
  cosine_min: number;
  /** 10 log10(sum f^2 / sum (f - q)^2) over all outputs, dB. */
  output_sqnr_db: number;
  /**
   * What cosine and SQNR compare: "logits 'fc'" (the input of a final Softmax) or "output". Softmax
   * squeezes differences: near-uniform probabilities give a cosine of 0.9999 whatever the quantization.
   */
  compared_on: string;
}

export interface LayerSqnr {
  tensor: string;
  sqnr_db: number;
}

export function topK(v: Float32Array, k: number): number[] {
  return [...v.keys()].sort((a, b) => v[b] - v[a] || a - b).slice(0, k);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 && bb === 0 ? 1 : ab / Math.sqrt(aa * bb || 1e-300);
}

export function sqnrDb(signal: number, noise: number): number {
  if (noise === 0) return signal === 0 ? 0 : Infinity;
  return 10 * Math.log10(signal / noise);
}

/** The tensor a final Softmax (or LogSoftmax) reads: the logits, if the model ends in one. */
export function logitsTensor(model: ModelProto): string | null {
  const out = model.graph?.output?.[0]?.name;
  const last = (model.graph?.node ?? []).find((n) => n.output?.includes(out ?? ""));
  return last && (last.opType === "Softmax" || last.opType === "LogSoftmax") && last.input?.[0] ? last.input[0] : null;
}

/**
 * Top-1/top-5 from the outputs; cosine and SQNR from `logits` when given (the same samples' logits,
 * float and quantized), else from the outputs.
 */
export function agreement(reference: readonly Float32Array[], quantized: readonly Float32Array[], logits?: {tensor: string; reference: readonly Float32Array[]; quantized: readonly Float32Array[]}): Agreement {
  let top1 = 0;
  let top5 = 0;
  let cosSum = 0;
  let cosMin = Infinity;
  let signal = 0;
  let noise = 0;
  reference.forEach((f, i) => {
    const q = quantized[i];
    const tf = topK(f, 5);
    const tq = topK(q, 5);
    if (tf[0] === tq[0]) top1++;
    top5 += tf.filter((c) => tq.includes(c)).length / tf.length;
    const a = logits ? logits.reference[i] : f;
    const b = logits ? logits.quantized[i] : q;
    const c = cosine(a, b);
    cosSum += c;
    cosMin = Math.min(cosMin, c);
    for (let j = 0; j < a.length; j++) {
      signal += a[j] * a[j];
      noise += (a[j] - b[j]) ** 2;
    }
  });
  const n = reference.length;
  return {samples: n, top1: top1 / n, top5: top5 / n, cosine_mean: cosSum / n, cosine_min: cosMin, output_sqnr_db: sqnrDb(signal, noise), compared_on: logits ? `logits '${logits.tensor}'` : "output"};
}

/** The held-out inputs as the quantized model takes them: float, or uint8 pixels for a --uint8-input model. */
export function asModelInput(sample: Float32Array, uint8Input: Range | undefined): Float32Array | Uint8Array {
  if (!uint8Input) return sample;
  const [lo, hi] = uint8Input;
  const out = new Uint8Array(sample.length);
  for (let i = 0; i < sample.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(((sample[i] - lo) / (hi - lo)) * 255)));
  return out;
}

/**
 * The first output of `model` for every sample and, in the same runs, the tensor `o.tensor` (exposed
 * as an extra output) when given.
 */
export async function outputsOf(model: ModelProto | Uint8Array, samples: readonly (Float32Array | Uint8Array)[], spec: InputSpec, o: {threads?: number; signal?: AbortSignal; tensor?: string} = {}): Promise<{outputs: Float32Array[]; tensor: Float32Array[] | null}> {
  const graph = o.tensor ? withOutputs(model instanceof Uint8Array ? readModel(model) : model, [o.tensor]) : model;
  const runner = await openRunner(graph, {opt: "all", threads: o.threads});
  try {
    const name = runner.outputNames[0];
    const fetch = o.tensor && o.tensor !== name ? [name, o.tensor] : [name];
    const outputs: Float32Array[] = [];
    const tensor: Float32Array[] = [];
    for (const s of samples) {
      o.signal?.throwIfAborted();
      const r = await runner.run(s, spec.shape, fetch);
      outputs.push(Float32Array.from(r[name]));
      if (o.tensor) tensor.push(Float32Array.from(r[o.tensor]));
    }
    return {outputs, tensor: o.tensor ? tensor : null};
  } finally {
    await runner.release();
  }
}

/**
 * SQNR of each named tensor: the float model and the quantized model both expose them as outputs and
 * run the same samples; signal and noise are summed over samples before the ratio.
 */
export async function layerSqnr(floatModel: ModelProto, quantModel: ModelProto, names: readonly string[], samples: readonly Float32Array[], spec: InputSpec, o: {threads?: number; uint8Input?: Range; signal?: AbortSignal} = {}): Promise<LayerSqnr[]> {
  if (names.length === 0 || samples.length === 0) return [];
  let f: Runner | undefined;
  let q: Runner | undefined;
  const sums = new Map(names.map((n) => [n, {signal: 0, noise: 0, seen: false}]));
  try {
    f = await openRunner(withOutputs(floatModel, names), {opt: "basic", threads: o.threads});
    q = await openRunner(withOutputs(quantModel, names), {opt: "all", threads: o.threads});
    for (const s of samples) {
      o.signal?.throwIfAborted();
      const a = await f.run(s, spec.shape, names);
      const b = await q.run(asModelInput(s, o.uint8Input), spec.shape, names);
      for (const n of names) {
        const x = a[n];
        const y = b[n];
        if (!x || !y || x.length !== y.length) continue;
        const acc = sums.get(n)!;
        acc.seen = true;
        for (let i = 0; i < x.length; i++) {
          acc.signal += x[i] * x[i];
          acc.noise += (x[i] - y[i]) ** 2;
        }
      }
    }
  } finally {
    await f?.release();
    await q?.release();
  }
  return names.filter((n) => sums.get(n)!.seen).map((n) => ({tensor: n, sqnr_db: sqnrDb(sums.get(n)!.signal, sums.get(n)!.noise)}));
}
