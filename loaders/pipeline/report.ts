// The table `inferscope sweep pipeline` prints: one line per mode, then each worker's time split.
import type {PipelineRow} from "./rows.ts";

export function formatPipeline(rows: readonly PipelineRow[]): string[] {
  const lines = ["mode      workers  images   total s   img/s   p50 ms   p99 ms  top-5 digest"];
  const modes = [...new Set(rows.map((r) => r.mode))];
  for (const m of modes) {
    const r = rows.find((x) => x.mode === m)!;
    lines.push(`${m.padEnd(9)} ${String(r.workers).padStart(7)} ${String(r.images_done).padStart(7)} ${r.total_s.toFixed(2).padStart(9)} ${r.throughput_img_per_s.toFixed(1).padStart(7)} ${r.p50_ms.toFixed(2).padStart(8)} ${r.p99_ms.toFixed(2).padStart(8)}  ${r.top1_digest}`);
  }
  lines.push("", "mode      worker        images  inference %  pre/post %  idle %");
  for (const r of rows) {
    lines.push(`${r.mode.padEnd(9)} ${r.worker.padEnd(13)} ${String(r.worker_images).padStart(6)} ${r.infer_pct.toFixed(1).padStart(12)} ${r.prepost_pct.toFixed(1).padStart(11)} ${r.idle_pct.toFixed(1).padStart(7)}`);
  }
  return lines;
}
