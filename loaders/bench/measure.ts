// The measurement loop: warm up until latency is stable, then time N runs.
// The timed region is only the awaited inference call; inputs are made once, before.

import {median} from "d3-array";

export interface MeasureOptions {
  /** Timed runs (default 30). */
  runs?: number;
  /** Warm-up runs always done first (WASM needs 10+: V8 tiers up its code during the first runs). */
  minWarmup?: number;
  /** Warm-up stops at this many runs even if latency has not settled. */
  maxWarmup?: number;
  /** Warm-up stops early once the median of the last `window` runs is within `tolerance` of the window before. */
  window?: number;
  tolerance?: number;
  /** Warm-up also stops after this long (ms). */
  maxWarmupMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

export interface Measurement {
  warmup_runs: number;
  samples_ms: number[];
}

export async function measure(run: () => Promise<unknown>, options: MeasureOptions = {}): Promise<Measurement> {
  const {runs = 30, minWarmup = 5, maxWarmup = 100, window = 5, tolerance = 0.05, maxWarmupMs = 30_000, signal, now = () => performance.now()} = options;
  const warm: number[] = [];
  const warmStart = now();
  for (;;) {
    signal?.throwIfAborted();
    const t0 = now();
    await run();
    warm.push(now() - t0);
    if (warm.length >= maxWarmup || now() - warmStart > maxWarmupMs) break;
    if (warm.length >= Math.max(minWarmup, 2 * window)) {
      const last = median(warm.slice(-window))!;
      const before = median(warm.slice(-2 * window, -window))!;
      if (Math.abs(last - before) <= tolerance * before) break;
    }
  }
  const samples_ms = new Array<number>(runs);
  for (let i = 0; i < runs; i++) {
    signal?.throwIfAborted();
    const t0 = now();
    await run();
    samples_ms[i] = now() - t0;
  }
  return {warmup_runs: warm.length, samples_ms};
}
