// What the parent hands a profiling child process (argv[2], JSON) and what the child reports back
// (one marked JSON line on stdout, as the benchmark children do).

import type {OptLevel, RuntimeName} from "../bench/config.ts";

export const PROFILE_RESULT_MARK = "@@inferscope-profile-result";

export interface ProfileConfig {
  model: string;
  model_source: "zoo" | "file";
  model_file: string;
  runtime: RuntimeName;
  opt_level: OptLevel;
  threads: number;
  batch: number;
  warmup: number;
  runs: number;
}

export interface ProfileJob {
  kind: "profile";
  config: ProfileConfig;
  /** A folder the child may write into (the parent owns and removes it). */
  out_dir: string;
  /** Also save the graph at level 'disabled' (the fusion map's reference) as base.onnx. */
  save_base: boolean;
}

export interface RooflineJob {
  kind: "roofline";
  threads: number[];
  /** Side of the square GEMM. */
  gemm_n: number;
  /** Bytes of the copied buffer. */
  copy_bytes: number;
  reps: number;
}

export type ChildJob = ProfileJob | RooflineJob;

export interface ProfileChildResult {
  ok: boolean;
  error?: string;
  /** The profile JSON (written by ORT, or captured from onnxruntime-web's stdout). */
  profile_file?: string;
  /** The optimized graph, and where it came from. */
  optimized_file?: string;
  graph_source?: string;
  base_file?: string;
  session_create_ms?: number;
  samples_ms?: number[];
}

export interface RooflineMeasurement {
  metric: "compute" | "memory";
  method: string;
  threads: number;
  unit: "GFLOP/s" | "GB/s";
  work: number;
  samples_ms: number[];
}

export interface RooflineChildResult {
  ok: boolean;
  error?: string;
  measurements?: RooflineMeasurement[];
}
