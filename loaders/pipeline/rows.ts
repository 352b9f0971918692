// pipeline_runs rows from a mode's result: totals, latency percentiles and each worker's time split.
import {quantileSorted} from "d3-array";
import type {pipelineRuns} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import {top5Digest, type ModeResult} from "./modes.ts";

export type PipelineRow = RowOf<typeof pipelineRuns>;

export function pipelineRows(r: ModeResult, base: {model: string; model_file: string; runtime: string; threads: number; images: number; image_size: string}): PipelineRow[] {
  const sorted = [...r.latencies_ms].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? quantileSorted(sorted, p)! : 0);
  const pct = (ms: number) => (r.total_ms > 0 ? (100 * ms) / r.total_ms : 0);
  const mode = {
    ...base,
    mode: r.mode,
    workers: r.workers,
    images_done: r.images_done,
    input_size: r.input_size,
    total_s: r.total_ms / 1000,
    throughput_img_per_s: r.total_ms > 0 ? r.images_done / (r.total_ms / 1000) : 0,
    p50_ms: q(0.5),
    p90_ms: q(0.9),
    p99_ms: q(0.99),
    mean_ms: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
    top1_digest: top5Digest(r.top5)
  };
  return r.usage.map((u) => {
    const idle = Math.max(0, r.total_ms - u.infer_ms - u.prepost_ms);
    return {...mode, worker: u.worker, role: u.role, worker_images: u.images, infer_ms: u.infer_ms, prepost_ms: u.prepost_ms, idle_ms: idle, infer_pct: pct(u.infer_ms), prepost_pct: pct(u.prepost_ms), idle_pct: pct(idle)};
  });
}
