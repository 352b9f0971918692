// The setting to keep for one model: the highest top-1 agreement with the float model first, where
// settings within one held-out input of the best count as tied (on 16 inputs one disagreement is 6 points:
// a difference that small is noise, not a better calibration); then the fastest INT8 latency among those,
// or the higher output SQNR when latency is unknown.
import {html} from "htl";

const pct = (x) => `${(100 * x).toFixed(0)}%`;

/** The pick and why, from quant_results rows of one model; null when none succeeded. */
export function pickQuantSetting(rows) {
  const ok = rows.filter((d) => d.status === "ok" && d.top1_agreement !== null);
  if (ok.length === 0) return null;
  const best = ok.reduce((a, b) => (b.top1_agreement > a.top1_agreement ? b : a));
  const slack = 1 / Math.max(1, best.heldout_samples ?? 1);
  const ties = ok.filter((d) => d.top1_agreement >= best.top1_agreement - slack - 1e-9);
  const timed = ties.filter((d) => d.int8_median_ms !== null);
  const bySqnr = (a, b) => ((b.output_sqnr_db ?? -Infinity) > (a.output_sqnr_db ?? -Infinity) ? b : a);
  const pick = timed.length ? timed.reduce((a, b) => (b.int8_median_ms < a.int8_median_ms || (b.int8_median_ms === a.int8_median_ms && bySqnr(a, b) === b) ? b : a)) : ties.reduce(bySqnr);
  const within = `within one held-out input (${pct(slack)}) of the best top-1 agreement`;
  const why = timed.length
    ? ties.length > 1
      ? `the fastest of the ${ties.length} settings ${within}`
      : "the best top-1 agreement"
    : ties.length > 1
      ? `the best output SQNR of the ${ties.length} settings ${within} (no latency measured yet)`
      : "the best top-1 agreement (no latency measured yet)";
  return {pick, why, ties: ties.length};
}

/** @param rows quant_results rows of one model */
export function quantRecommendation(rows) {
  const chosen = pickQuantSetting(rows);
  if (chosen === null) return html`<p data-quant-recommendation><em>No successful quantization to recommend yet.</em></p>`;
  const {pick, why} = chosen;
  return html`<p data-quant-recommendation>Recommended for <strong>${pick.model}</strong>: <strong>${pick.method_label}</strong> with <strong>${pick.samples}</strong> calibration inputs (${pick.activations} activations${pick.uint8_input ? ", uint8 input" : ""}): ${why}, ${pct(pick.top1_agreement)} top-1 and ${pct(pick.top5_overlap)} top-5 overlap on ${pick.heldout_samples} held-out inputs${pick.int8_median_ms !== null ? html`, ${pick.int8_median_ms.toFixed(2)} ms per inference${pick.speedup ? html` against ${pick.fp32_median_ms.toFixed(2)} ms for FP32 (${pick.speedup >= 1 ? `${pick.speedup.toFixed(2)}× faster` : `${(1 / pick.speedup).toFixed(2)}× slower than FP32 here`})` : ""}` : ""}. File: <code>${pick.quant_file}</code>.</p>`;
}
