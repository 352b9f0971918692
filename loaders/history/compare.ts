// Run comparison: per configuration present in both runs, the change in median latency with a
// bootstrap confidence interval of the ratio of medians, flagged as a regression or improvement only
// when the interval excludes "no change" AND the change is larger than the threshold.

import {bootstrapMedians, mannWhitney, medianOf, percentileInterval, seedOf} from "./stats.ts";

export const DEFAULT_THRESHOLD_PCT = 5;
export const RESAMPLES = 2000;
export const CONFIDENCE = 0.95;
/** Fewer timed samples than this in either run: no verdict (a bootstrap of 3 values says little). */
export const MIN_SAMPLES = 5;

/** One configuration of one run, with every timed sample (a bench_results row). */
export interface SampleRow {
  run_id: string;
  collected_at: Date;
  config_id: string;
  model: string;
  runtime: string;
  device: string;
  threads: number | null;
  batch: number;
  opt_level: string | null;
  host_id: string;
  host_name: string;
  samples_ms: number[];
}

export type Verdict = "regression" | "improvement" | "unchanged" | "insufficient";

export interface CompareOptions {
  threshold_pct?: number;
  resamples?: number;
  confidence?: number;
}

/** The change from `a` (before) to `b` (after) of one configuration. */
export interface Change extends Pick<SampleRow, "config_id" | "model" | "runtime" | "device" | "threads" | "batch" | "opt_level"> {
  a_run_id: string;
  b_run_id: string;
  a_host: string;
  b_host: string;
  a_n: number;
  b_n: number;
  a_median_ms: number;
  b_median_ms: number;
  /** 100 x (b median / a median - 1): positive is slower. */
  change_pct: number;
  ci_low_pct: number;
  ci_high_pct: number;
  /** Mann-Whitney two-sided p-value of the samples, for reference (the verdict uses the interval). */
  p_value: number;
  /** The interval excludes 0 %. */
  significant: boolean;
  verdict: Verdict;
}

const medianCache = new Map<string, Float64Array>();

/** The bootstrap medians of one row, seeded by what the row is, so every caller draws the same ones. */
export function rowMedians(row: SampleRow, resamples = RESAMPLES): Float64Array {
  const key = `${row.run_id}|${row.config_id}|${row.host_id}|${resamples}`;
  let m = medianCache.get(key);
  if (!m) {
    m = bootstrapMedians(row.samples_ms, {resamples, seed: seedOf(key)});
    if (medianCache.size > 20_000) medianCache.clear();
    medianCache.set(key, m);
  }
  return m;
}

/** The median of one row and its bootstrap percentile interval. */
export function medianInterval(row: SampleRow, {resamples = RESAMPLES, confidence = CONFIDENCE}: CompareOptions = {}): {median_ms: number; ci_low_ms: number; ci_high_ms: number} {
  const [lo, hi] = percentileInterval(rowMedians(row, resamples), confidence);
  return {median_ms: medianOf(row.samples_ms), ci_low_ms: lo, ci_high_ms: hi};
}

export function verdictOf(change_pct: number, ci_low_pct: number, ci_high_pct: number, threshold_pct: number): Verdict {
  if (ci_low_pct > 0 && change_pct > threshold_pct) return "regression";
  if (ci_high_pct < 0 && change_pct < -threshold_pct) return "improvement";
  return "unchanged";
}

/** Compare one configuration between two runs. */
export function compareRows(a: SampleRow, b: SampleRow, {threshold_pct = DEFAULT_THRESHOLD_PCT, resamples = RESAMPLES, confidence = CONFIDENCE}: CompareOptions = {}): Change {
  const am = medianOf(a.samples_ms);
  const bm = medianOf(b.samples_ms);
  const change_pct = 100 * (bm / am - 1);
  let ci_low_pct = NaN;
  let ci_high_pct = NaN;
  const enough = a.samples_ms.length >= MIN_SAMPLES && b.samples_ms.length >= MIN_SAMPLES;
  if (enough) {
    // Independent resamples of each run, paired by draw index: the bootstrap distribution of the ratio.
    const ma = rowMedians(a, resamples);
    const mb = rowMedians(b, resamples);
    const ratios = new Float64Array(resamples);
    for (let i = 0; i < resamples; i++) ratios[i] = mb[i] / ma[i];
    const [lo, hi] = percentileInterval(ratios, confidence);
    ci_low_pct = 100 * (lo - 1);
    ci_high_pct = 100 * (hi - 1);
  }
  return {
    config_id: b.config_id,
    model: b.model,
    runtime: b.runtime,
    device: b.device,
    threads: b.threads,
    batch: b.batch,
    opt_level: b.opt_level,
    a_run_id: a.run_id,
    b_run_id: b.run_id,
    a_host: a.host_name,
    b_host: b.host_name,
    a_n: a.samples_ms.length,
    b_n: b.samples_ms.length,
    a_median_ms: am,
    b_median_ms: bm,
    change_pct,
    ci_low_pct,
    ci_high_pct,
    p_value: mannWhitney(a.samples_ms, b.samples_ms).p_value,
    significant: enough && (ci_low_pct > 0 || ci_high_pct < 0),
    verdict: enough ? verdictOf(change_pct, ci_low_pct, ci_high_pct, threshold_pct) : "insufficient"
  };
}

export interface RunComparison {
  changes: Change[];
  /** Configurations measured (with samples) in one run only, or on another host without --any-host. */
  only_in_a: string[];
  only_in_b: string[];
  /** Configurations present in a run without samples (failed, or an imported summary). */
  without_samples: {run_id: string; config_id: string; reason: string}[];
}

export interface RowWithStatus extends Omit<SampleRow, "samples_ms"> {
  samples_ms: number[] | null;
  status: string;
  error?: string | null;
}

function matchKey(r: {config_id: string; host_id: string}, anyHost: boolean): string {
  return anyHost ? r.config_id : `${r.config_id}@${r.host_id}`;
}

/** Compare every configuration of run `a` with the same configuration (and host, unless anyHost) in run `b`. */
export function compareRuns(aRows: readonly RowWithStatus[], bRows: readonly RowWithStatus[], {anyHost = false, ...options}: CompareOptions & {anyHost?: boolean} = {}): RunComparison {
  const without_samples: RunComparison["without_samples"] = [];
  const usable = (rows: readonly RowWithStatus[]) => {
    const m = new Map<string, SampleRow>();
    for (const r of rows) {
      if (r.status !== "ok" || !r.samples_ms?.length) {
        without_samples.push({run_id: r.run_id, config_id: r.config_id, reason: r.status !== "ok" ? `status ${r.status}${r.error ? `: ${r.error}` : ""}` : "no samples (a summary only)"});
        continue;
      }
      const key = matchKey(r, anyHost);
      if (!m.has(key)) m.set(key, r as SampleRow);
    }
    return m;
  };
  const a = usable(aRows);
  const b = usable(bRows);
  const changes: Change[] = [];
  for (const [key, rb] of b) {
    const ra = a.get(key);
    if (ra) changes.push(compareRows(ra, rb, options));
  }
  changes.sort((x, y) => x.config_id.localeCompare(y.config_id) || x.b_host.localeCompare(y.b_host));
  const label = (r: SampleRow) => (anyHost ? r.config_id : `${r.config_id} on ${r.host_name}`);
  return {
    changes,
    only_in_a: [...a].filter(([k]) => !b.has(k)).map(([, r]) => label(r)).sort(),
    only_in_b: [...b].filter(([k]) => !a.has(k)).map(([, r]) => label(r)).sort(),
    without_samples
  };
}
