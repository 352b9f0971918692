// Dynamic batching: a latency percentile or throughput against the offered request rate, one line per
// batcher configuration, with the latency bound drawn when given.
import * as Plot from "@observablehq/plot";

/** @param rows [{config_label, request_rate, <y>}]
 *  @param y  column to plot; @param label  its axis label; @param bound  a horizontal rule (same unit) */
export function dynamicCurves(rows, {width, y, label, bound = null, ...options} = {}) {
  const chart = Plot.plot({
    width,
    height: 280,
    marginLeft: 60,
    x: {label: "request rate (requests/s)", grid: true},
    y: {label, grid: true, zero: true},
    color: {legend: true, label: "batcher"},
    marks: [
      Plot.line(rows, {x: "request_rate", y, stroke: "config_label"}),
      Plot.dot(rows, {x: "request_rate", y, fill: "config_label", r: 3, tip: true}),
      bound == null ? null : Plot.ruleY([bound], {stroke: "#e45756", strokeDasharray: "4,3"}),
      bound == null ? null : Plot.text([bound], {y: (d) => d, frameAnchor: "right", dy: -7, text: () => "latency bound", fill: "#e45756", fontSize: 10})
    ],
    ...options
  });
  chart.setAttribute("data-chart", "dynamic-curves");
  return chart;
}
