// The setting to keep for one model: highest top-1 agreement with the float model first, then the
// fastest INT8 latency among those (then the higher output SQNR when latency is unknown).
import {html} from "htl";

const pct = (x) => `${(100 * x).toFixed(0)}%`;

/** @param rows quant_results rows of one model with status 'ok' */
export function quantRecommendation(rows) {
  const ok = rows.filter((d) => d.status === "ok" && d.top1_agreement !== null);
  if (ok.length === 0) return html`<p data-quant-recommendation><em>No successful quantization to recommend yet.</em></p>`;
  const best = Math.max(...ok.map((d) => d.top1_agreement));
  const ties = ok.filter((d) => d.top1_agreement >= best - 1e-9);
  const timed = ties.filter((d) => d.int8_median_ms !== null);
  const pick = timed.length
    ? timed.reduce((a, b) => (b.int8_median_ms < a.int8_median_ms ? b : a))
    : ties.reduce((a, b) => ((b.output_sqnr_db ?? -Infinity) > (a.output_sqnr_db ?? -Infinity) ? b : a));
  const why = timed.length
    ? ties.length > 1
      ? `the fastest of the ${ties.length} settings that share the best top-1 agreement`
      : "the best top-1 agreement"
    : `the best top-1 agreement${ties.length > 1 ? " and, among those, the best output SQNR (no latency measured yet)" : " (no latency measured yet)"}`;
  return html`<p data-quant-recommendation>Recommended for <strong>${pick.model}</strong>: <strong>${pick.method_label}</strong> with <strong>${pick.samples}</strong> calibration inputs (${pick.activations} activations${pick.uint8_input ? ", uint8 input" : ""}): ${why}, ${pct(pick.top1_agreement)} top-1 and ${pct(pick.top5_overlap)} top-5 overlap on ${pick.heldout_samples} held-out inputs${pick.int8_median_ms !== null ? html`, ${pick.int8_median_ms.toFixed(2)} ms per inference${pick.speedup ? html` against ${pick.fp32_median_ms.toFixed(2)} ms for FP32 (${pick.speedup >= 1 ? `${pick.speedup.toFixed(2)}× faster` : `${(1 / pick.speedup).toFixed(2)}× slower than FP32 here`})` : ""}` : ""}. File: <code>${pick.quant_file}</code>.</p>`;
}
