// The text `inferscope quantize` prints: what was quantized, what stayed in float and why, and how
// close the quantized model stays to the float one.

import type {QdqReport} from "./qdq.ts";
import type {LayerRow, QuantRow} from "./rows.ts";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${(100 * x).toFixed(1)}%`);
const db = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${x.toFixed(1)} dB`);
const counts = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

export function formatReport(row: QuantRow, rep: QdqReport, layers: LayerRow[]): string {
  const lines = [
    `${row.quant_file}`,
    `  model           ${row.model} (${row.model_file}), opset ${rep.opset_from}`,
    `  calibration     ${row.method_label}, ${row.activations} activations, int8 symmetric per-channel weights; ${row.calibration_source}`,
    `  quantized       ${row.quantized_nodes} nodes: ${counts(rep.quantized)}${row.removed_activations ? `; folded into Q: ${counts(rep.removed)}` : ""}`,
    `  QDQ             ${rep.qdq_pairs} QuantizeLinear/DequantizeLinear pairs on activations, ${rep.weight_dq} int8 weight and ${rep.bias_dq} int32 bias DequantizeLinear${rep.uint8_input ? "; uint8 input (pixels 0..255)" : ""}`,
    `  left in float   ${rep.float_nodes.length ? `${rep.float_nodes.length} nodes: ${counts(rep.float_ops)}` : "nothing"}`,
    ...rep.float_nodes.slice(0, 10).map((f) => `                    ${f.name} (${f.op_type}): ${f.reason}`),
    ...(rep.float_nodes.length > 10 ? [`                    ... and ${rep.float_nodes.length - 10} more (--json lists all)`] : [])
  ];
  if (row.status !== "ok") return [...lines, `  FAILED          ${row.error}`].join("\n");
  const worst = layers.filter((l) => l.sqnr_db !== null && l.sqnr_db !== undefined).sort((a, b) => a.sqnr_db! - b.sqnr_db!).slice(0, 5);
  lines.push(
    `  agreement       on ${row.heldout_source}:`,
    `                  top-1 ${pct(row.top1_agreement)}, top-5 overlap ${pct(row.top5_overlap)}, cosine ${row.cosine_mean?.toFixed(5)} (lowest ${row.cosine_min?.toFixed(5)}), SQNR ${db(row.output_sqnr_db)}, both of the ${row.agreement_on ?? "output"}`,
    `  layer SQNR      mean ${db(row.layer_sqnr_mean_db)}, lowest ${db(row.layer_sqnr_min_db)} over ${row.sqnr_samples} held-out inputs; lowest:`,
    ...worst.map((l) => `                    ${l.sqnr_db!.toFixed(1).padStart(6)} dB  ${l.tensor} (${l.op_type}, range ${l.range_min.toPrecision(3)}..${l.range_max.toPrecision(3)})`),
    `next: inferscope bench --model ${row.model_file} --model ${row.quant_file} --runtimes ort-cpu   (FP32 and INT8 latency side by side)`
  );
  return lines.join("\n");
}
