// Summary statistics of latency samples (d3-array: quantiles by linear interpolation, R-7).
import {deviation, max, mean, median, min, quantileSorted} from "d3-array";

export interface LatencyStats {
  runs: number;
  median_ms: number;
  mean_ms: number;
  p90_ms: number;
  p99_ms: number;
  min_ms: number;
  max_ms: number;
  stddev_ms: number;
  cv: number;
}

export function summarize(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const m = mean(sorted)!;
  const sd = samples.length > 1 ? deviation(sorted)! : 0;
  return {
    runs: samples.length,
    median_ms: median(sorted)!,
    mean_ms: m,
    p90_ms: quantileSorted(sorted, 0.9)!,
    p99_ms: quantileSorted(sorted, 0.99)!,
    min_ms: min(sorted)!,
    max_ms: max(sorted)!,
    stddev_ms: sd,
    cv: m > 0 ? sd / m : 0
  };
}
