// Measurement windows and stability, as perf_analyzer decides them: the load runs on while windows
// of fixed length are measured; it is stable when, over the last 3 windows, both throughput and
// average latency stay within stability_pct of their mean over those windows. Then (or at the cap
// of windows) the step's result merges those last windows.

export interface WindowSummary {
  /** Completed requests in the window. */
  requests: number;
  throughput: number;
  avgLatencyUs: number;
}

export const STABLE_WINDOWS = 3;

export function isStable(windows: readonly WindowSummary[], pct: number, n = STABLE_WINDOWS): boolean {
  if (windows.length < n) return false;
  const last = windows.slice(-n);
  if (last.some((w) => w.requests === 0)) return false;
  const within = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return values.every((v) => Math.abs(v - mean) <= (pct / 100) * mean);
  };
  return within(last.map((w) => w.throughput)) && within(last.map((w) => w.avgLatencyUs));
}

/** Percentile by linear interpolation between closest ranks (sorted input). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.ceil(x);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}
