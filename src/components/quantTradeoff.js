// Speed against agreement for each quantized model of one float model: right is faster than FP32,
// up keeps the float model's top-1 class more often. The best setting sits top right.
import * as Plot from "@observablehq/plot";

/** @param rows [{label, method_label, samples, speedup, top1_agreement, output_sqnr_db}] */
export function quantTradeoff(rows, {width, height = 300, ...options} = {}) {
  const data = rows.filter((d) => d.speedup !== null && d.top1_agreement !== null);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    marginRight: 120,
    x: {label: "speedup over FP32 (×) →", grid: true},
    y: {label: "↑ top-1 agreement with FP32 (%)", grid: true, percent: true, nice: true},
    color: {legend: true, label: "method"},
    symbol: {legend: true, label: "calibration samples"},
    marks: [
      Plot.ruleX([1], {stroke: "currentColor", strokeDasharray: "3,3"}),
      Plot.dot(data, {x: "speedup", y: "top1_agreement", stroke: "method_label", symbol: (d) => String(d.samples), r: 6, strokeWidth: 2, tip: {channels: {setting: "label", "output SQNR (dB)": (d) => d.output_sqnr_db?.toFixed(1)}}}),
      Plot.text(data, {x: "speedup", y: "top1_agreement", text: (d) => `${d.method_label} n=${d.samples}`, dx: 9, textAnchor: "start", fontSize: 10})
    ],
    ...options
  });
}
