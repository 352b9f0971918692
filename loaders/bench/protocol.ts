// What a benchmark child process reports to its parent: one marked JSON line on stdout.

export const RESULT_MARK = "@@inferscope-result";

export interface ChildResult {
  ok: boolean;
  error?: string;
  session_create_ms?: number;
  warmup_runs?: number;
  samples_ms?: number[];
  peak_rss_mb: number;
  input_shapes?: Record<string, number[]>;
}
