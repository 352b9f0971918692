// Calibration methods: a tensor's statistics in, the float range [lo, hi] to quantize it over out.
// They follow ONNX Runtime's calibrators (onnxruntime/python/tools/quantization/calibrate.py):
//   minmax      the smallest and largest value seen
//   percentile  clip the tails: with symmetric activations the p-th percentile of |x| gives [-t, t];
//               otherwise (100 - p) / 2 percent is cut from each side. p defaults to 99.99 here.
//   entropy     the window around zero whose 128-level quantization loses least information
//               (KL divergence, TensorRT's method as ORT implements it) on a 2048-bin histogram over
//               [-absmax, absmax] (ORT's EntropyCalibrater with num_bins=2048; see entropyThreshold).
// Ranges are clipped to [min, max]: a range wider than anything seen only wastes levels. Percentile
// thresholds take the upper edge of the bin where the cumulative share reaches P (ORT takes its lower
// edge: one bin, 1/2048 of the range, apart), so at least P percent of the values lie inside.
//
// Entropy can clip far more than percentile, and on post-ReLU tensors it often does. mobilenet_v1 with
// pseudo-random weights and generated inputs: conv_dw_2_relu gets [0, 1.67] of max 5.33, clipping 1.6 % of
// its values but enough energy for 6 dB SQNR there, and every later layer inherits that noise (top-1
// agreement 37.5 % against 75 % for minmax, 94 % for percentile). That is ORT's algorithm, checked bin for
// bin against its Python on those histograms, not a slip here: it scores windows by the *share of values*
// each bin holds, so clipping rare large activations costs little KL though they carry much of the energy;
// its window is symmetric, so one-sided data use half of the 128 levels it models (the real uint8 range has
// 256 over [0, t]); and windows whose width is not a multiple of 128 bins lose their remainder in q, so
// only half-widths near multiples of 64 bins can win.

import {UserError} from "../common/errors.ts";
import {absMax, HIST_BINS, type TensorStats} from "./collect.ts";

export type Method = {kind: "minmax"} | {kind: "percentile"; percentile: number} | {kind: "entropy"};

export const DEFAULT_PERCENTILE = 99.99;
export const ENTROPY_BINS = 2048;
export const ENTROPY_QUANTIZED_BINS = 128;

/** Parse --method: minmax, percentile, percentile=99.9, entropy. */
export function parseMethod(text: string): Method {
  const [kind, arg] = text.trim().split("=");
  if (kind === "minmax" || kind === "entropy") {
    if (arg !== undefined) throw new UserError(`--method ${text}: ${kind} takes no value`, {hint: "Use --method minmax, --method entropy or --method percentile=99.99"});
    return {kind};
  }
  if (kind === "percentile") {
    const p = arg === undefined ? DEFAULT_PERCENTILE : Number(arg);
    if (!Number.isFinite(p) || p <= 50 || p > 100) throw new UserError(`--method ${text}: the percentile must be a number above 50 and at most 100`, {hint: "e.g. --method percentile=99.99"});
    return {kind, percentile: p};
  }
  throw new UserError(`--method ${text}: unknown calibration method`, {hint: "Use minmax, percentile[=99.99] or entropy"});
}

export function methodLabel(m: Method): string {
  return m.kind === "percentile" ? `percentile=${m.percentile}` : m.kind;
}

export function needsHistogram(m: Method): boolean {
  return m.kind !== "minmax";
}

export type Range = [lo: number, hi: number];

export function calibrateRange(s: TensorStats, m: Method, symmetric: boolean): Range {
  if (m.kind === "minmax" || !s.hist || absMax(s) === 0) return [s.min, s.max];
  const r = m.kind === "percentile" ? percentileRange(s, m.percentile, symmetric) : entropyRange(s);
  return [Math.max(s.min, r[0]), Math.min(s.max, r[1])];
}

/** Cumulative distribution of a histogram, as fractions. */
function cdf(hist: ArrayLike<number>): Float64Array {
  const out = new Float64Array(hist.length);
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i];
  let run = 0;
  for (let i = 0; i < hist.length; i++) {
    run += hist[i];
    out[i] = total > 0 ? run / total : 1;
  }
  return out;
}

/** First index whose cdf reaches q (numpy's searchsorted, side left). */
function searchsorted(c: Float64Array, q: number): number {
  for (let i = 0; i < c.length; i++) if (c[i] >= q) return i;
  return c.length - 1;
}

export function percentileRange(s: TensorStats, percentile: number, symmetric: boolean): Range {
  const m = absMax(s);
  const hist = s.hist!;
  const half = HIST_BINS / 2;
  if (symmetric) {
    // |x|: fold the negative half onto the positive one; bin i covers [i, i+1) * m / half.
    const abs = new Float64Array(half);
    for (let i = 0; i < half; i++) abs[i] = hist[half + i] + hist[half - 1 - i];
    const t = ((searchsorted(cdf(abs), percentile / 100) + 1) * m) / half;
    return [-t, t];
  }
  const cut = (100 - percentile) / 200;
  const c = cdf(hist);
  const width = (2 * m) / HIST_BINS;
  const left = -m + searchsorted(c, cut) * width;
  const right = -m + (searchsorted(c, 1 - cut) + 1) * width;
  return [left, right];
}

/** ORT's smooth_distribution: move eps of mass into empty bins so KL divergence stays finite. */
function smooth(p: Float64Array, eps = 0.0001): Float64Array | null {
  let zeros = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) zeros++;
  const nonzeros = p.length - zeros;
  if (nonzeros === 0) return null;
  const eps1 = (eps * zeros) / nonzeros;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    out[i] = p[i] === 0 ? eps : p[i] - eps1;
    if (out[i] <= 0) return null;
  }
  return out;
}

/** scipy.stats.entropy(p, q): both normalised, sum p log(p / q). */
function divergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    d += pi * Math.log(pi / (q[i] / sq));
  }
  return d;
}

const entropyCache = new WeakMap<TensorStats, Range>();

/** The entropy range of a tensor (cached: it does not depend on the activation scheme). */
export function entropyRange(s: TensorStats, quantizedBins = ENTROPY_QUANTIZED_BINS): Range {
  const cached = quantizedBins === ENTROPY_QUANTIZED_BINS ? entropyCache.get(s) : undefined;
  if (cached) return cached;
  const r = searchEntropy(s, quantizedBins);
  if (quantizedBins === ENTROPY_QUANTIZED_BINS) entropyCache.set(s, r);
  return r;
}

function searchEntropy(s: TensorStats, quantizedBins: number): Range {
  const m = absMax(s);
  // Merge the fine histogram down to ENTROPY_BINS signed bins over [-m, m] (the edges of ENTROPY_BINS
  // bins are a subset of HIST_BINS' edges, so this is the histogram numpy would make directly).
  const merge = HIST_BINS / ENTROPY_BINS;
  const hist = new Float64Array(ENTROPY_BINS);
  for (let i = 0; i < HIST_BINS; i++) hist[Math.floor(i / merge)] += s.hist![i];
  const edge = (i: number) => -m + (i * 2 * m) / ENTROPY_BINS;
  const {start, end} = entropyThreshold(hist, quantizedBins);
  return [edge(start), edge(end)];
}

export interface EntropySearch {
  /** The chosen window: bins [start, end) of the histogram. */
  start: number;
  end: number;
  /** KL divergence of each candidate window, the i-th for half-width quantizedBins / 2 + i. */
  kl: Float64Array;
}

/**
 * ORT's HistogramCollector.get_entropy_threshold on a signed histogram whose middle edge is 0, line for
 * line: windows [zero - i, zero + i + 1) for i from quantizedBins / 2 to zero, outliers folded into the
 * window's first and last bins (p), the window merged into quantizedBins levels of floor(width /
 * quantizedBins) bins (the remainder is summed into the last level but, as in ORT, not spread back,
 * so q is 0 there) and each level spread over its bins where p is non-zero, truncated to an integer
 * (ORT's q is int64); both smoothed, scipy's entropy(p, q); the first smallest divergence wins.
 * With ORT's default of 128 bins and 128 levels there is a single window, the whole range: entropy is
 * then minmax, which is why ENTROPY_BINS is 2048.
 */
export function entropyThreshold(hist: ArrayLike<number>, quantizedBins: number): EntropySearch {
  const bins = hist.length;
  const zero = Math.floor(bins / 2);
  const halfQ = Math.floor(quantizedBins / 2);
  const prefix = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) prefix[i + 1] = prefix[i] + hist[i];
  const kl = new Float64Array(Math.max(0, zero - halfQ + 1));
  if (kl.length === 0) return {start: 0, end: bins, kl}; // fewer bins than levels: nothing to search (ORT fails here)
  let best = 0;
  for (let i = halfQ; i <= zero; i++) {
    const start = zero - i;
    const end = Math.min(bins, zero + i + 1);
    const sliced = Float64Array.from({length: end - start}, (_, j) => hist[start + j]);
    const p = Float64Array.from(sliced);
    p[0] += prefix[start];
    p[p.length - 1] += prefix[bins] - prefix[end];
    const merged = Math.floor(sliced.length / quantizedBins);
    const q = new Float64Array(p.length);
    for (let k = 0; k < quantizedBins; k++) {
      const a = k * merged;
      const b = a + merged;
      let sum = 0;
      let nonzero = 0;
      for (let j = a; j < b; j++) {
        sum += sliced[j];
        if (p[j] !== 0) nonzero++;
      }
      if (k === quantizedBins - 1) for (let j = quantizedBins * merged; j < sliced.length; j++) sum += sliced[j];
      if (nonzero > 0) q.fill(Math.trunc(sum / nonzero), a, b);
    }
    const ps = smooth(p);
    const qs = smooth(q);
    const d = ps && qs ? divergence(ps, qs) : Infinity;
    kl[i - halfQ] = d;
    if (d < kl[best]) best = i - halfQ;
  }
  const i = best + halfQ;
  return {start: zero - i, end: Math.min(bins, zero + i + 1), kl};
}
