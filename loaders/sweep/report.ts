// Text summaries the sweep commands print on stdout.
import type {BatchSweepRow} from "./batch.ts";
import {linearFit, type LineFit} from "./fit.ts";

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "-" : v.toFixed(digits));

/** Efficiency versus throughput over the rows with power; null when there are fewer than 2. */
export function efficiencyFit(rows: readonly BatchSweepRow[]): LineFit | null {
  const ok = rows.filter((r) => r.status === "ok" && r.infer_per_joule != null && r.throughput_infer_per_s != null);
  return linearFit(ok.map((r) => r.throughput_infer_per_s!), ok.map((r) => r.infer_per_joule!));
}

export function formatBatchSweep(rows: readonly BatchSweepRow[]): string[] {
  const lines = ["batch  infer/s    p50 ms    p99 ms   power W   infer/J  samples"];
  for (const r of rows) {
    if (r.status !== "ok") {
      lines.push(`${String(r.batch).padStart(5)}  failed: ${r.error}`);
      continue;
    }
    lines.push(
      `${String(r.batch).padStart(5)} ${fmt(r.throughput_infer_per_s).padStart(8)} ${fmt(r.p50_ms, 2).padStart(9)} ${fmt(r.p99_ms, 2).padStart(9)} ${fmt(r.avg_power_w).padStart(9)} ${fmt(r.infer_per_joule, 2).padStart(9)} ${String(r.power_w?.length ?? 0).padStart(8)}`
    );
  }
  const first = rows[0];
  if (first && first.power_source === "none") lines.push(`power: not measured (${first.power_note ?? "no source"}); efficiency needs power`);
  else if (first) {
    lines.push(`power: ${first.power_source} (${first.power_device})${first.power_note ? `; ${first.power_note}` : ""}`);
    const fit = efficiencyFit(rows);
    lines.push(fit ? `efficiency = ${fit.slope.toExponential(3)} x throughput + ${fit.intercept.toFixed(3)} infer/J, R^2 = ${fit.r2.toFixed(3)} over ${fit.n} batch sizes` : "efficiency versus throughput: fewer than 2 batch sizes with power, no fit");
  }
  return lines;
}
