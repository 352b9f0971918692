// Per-layer signal-to-quantization-noise ratio along the graph, one line per quantized model: where a
// line dips, that layer loses precision (every 6 dB is about one bit).
import * as Plot from "@observablehq/plot";

/** @param rows [{layer_index, tensor, op_type, sqnr_db, label}] with label naming the quantized model */
export function quantLayerSqnr(rows, {width, height = 320, ...options} = {}) {
  const data = rows.filter((d) => d.sqnr_db !== null && Number.isFinite(d.sqnr_db));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {label: "quantized tensor, in graph order →", grid: true, tickFormat: (d) => (Number.isInteger(d) ? String(d) : "")},
    y: {label: "↑ SQNR (dB; higher is closer to float)", grid: true},
    color: {legend: true, label: "calibration"},
    marks: [
      Plot.ruleY([0]),
      Plot.line(data, {x: "layer_index", y: "sqnr_db", stroke: "label", strokeWidth: 1.5, curve: "linear"}),
      Plot.dot(data, {x: "layer_index", y: "sqnr_db", fill: "label", r: 2}),
      Plot.tip(data, Plot.pointer({x: "layer_index", y: "sqnr_db", channels: {tensor: "tensor", op: "op_type", calibration: "label"}, format: {x: true, y: (v) => `${v.toFixed(1)} dB`}}))
    ],
    ...options
  });
}
