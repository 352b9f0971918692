// What a batch-sweep child reports: its window's start and end on the shared epoch clock (so the
// parent can cut its power trace to the window) and the latency of every request in the window.
import type {OptLevel, RuntimeName} from "../bench/config.ts";

export {RESULT_MARK} from "../bench/protocol.ts";

export interface SweepChildConfig {
  runtime: RuntimeName;
  model_file: string;
  threads: number;
  opt_level: OptLevel;
  batch: number;
  /** Length of the measurement window, ms (requests back to back until it is over). */
  window_ms: number;
  /** At least this many requests in the window, even if that takes longer. */
  min_runs: number;
  min_warmup: number;
  max_warmup: number;
}

export interface SweepChildResult {
  ok: boolean;
  error?: string;
  session_create_ms?: number;
  warmup_runs?: number;
  samples_ms?: number[];
  start_ms?: number;
  end_ms?: number;
  peak_rss_mb: number;
}
