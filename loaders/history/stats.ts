// Statistics for comparing runs: a seeded bootstrap of the median, percentile intervals, and a
// Mann-Whitney rank test. Deterministic: the same samples and seed give the same interval everywhere
// (the CLI's `runs compare` and the History page agree on every flag).

import {mulberry32} from "../common/random.ts";

/** 32-bit FNV-1a hash of a string: the bootstrap seed of a (run, configuration). */
export function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Median as d3 and the collector compute it: the mean of the two middle values for an even count. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Medians of `resamples` bootstrap resamples (n draws with replacement) of `samples`, in draw order.
 * A resample's median only depends on how many times each sorted value was drawn, so each resample
 * counts draws per rank and walks the counts to the middle: O(n) per resample, no sorting.
 */
export function bootstrapMedians(samples: readonly number[], {resamples = 2000, seed}: {resamples?: number; seed: number}): Float64Array {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const out = new Float64Array(resamples);
  if (n === 0) return out.fill(NaN);
  const random = mulberry32(seed);
  const counts = new Uint32Array(n);
  const lo = (n - 1) >> 1; // 0-based ranks of the middle value(s)
  const hi = n >> 1;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]++;
    let seen = 0;
    let loValue = NaN;
    for (let k = 0; k < n; k++) {
      seen += counts[k];
      if (Number.isNaN(loValue) && seen > lo) loValue = sorted[k];
      if (seen > hi) {
        out[r] = (loValue + sorted[k]) / 2;
        break;
      }
    }
  }
  return out;
}

/** Quantile of sorted values by linear interpolation (R-7, as d3.quantileSorted). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const i = (n - 1) * p;
  const i0 = Math.floor(i);
  const i1 = Math.min(n - 1, i0 + 1);
  return sorted[i0] + (sorted[i1] - sorted[i0]) * (i - i0);
}

/** Two-sided percentile interval of a bootstrap distribution. */
export function percentileInterval(values: ArrayLike<number>, confidence = 0.95): [number, number] {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  const alpha = (1 - confidence) / 2;
  return [quantileSorted(s, alpha), quantileSorted(s, 1 - alpha)];
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Mann-Whitney U test, two-sided, normal approximation with tie and continuity corrections
 * (as scipy.stats.mannwhitneyu(method="asymptotic")). U is the statistic of `a`.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): {u: number; p_value: number} {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return {u: NaN, p_value: NaN};
  const all = [...a.map((v) => ({v, g: 0})), ...b.map((v) => ({v, g: 1}))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return {u, p_value: 1};
  const z = (Math.abs(u - mu) - 0.5) / sigma;
  return {u, p_value: z <= 0 ? 1 : Math.min(1, 2 * (1 - normalCdf(z)))};
}
