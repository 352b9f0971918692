// One measure against batch size from a batch sweep: a line and dots per series (e.g. p50/p90/p99),
// batch size on a log-2 axis.
import * as Plot from "@observablehq/plot";

/** @param rows [{batch, value, series}]  long format: one row per batch size and series
 *  @param label  y-axis label */
export function batchCurve(rows, {width, label, zero = true, height = 260, ...options} = {}) {
  const chart = Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "log", base: 2, label: "batch size (log scale)", grid: true, ticks: [...new Set(rows.map((d) => d.batch))]},
    y: {label, grid: true, zero},
    color: {legend: new Set(rows.map((d) => d.series)).size > 1, label: null},
    marks: [
      Plot.line(rows, {x: "batch", y: "value", stroke: "series", strokeOpacity: 0.8}),
      Plot.dot(rows, {x: "batch", y: "value", fill: "series", r: 3.5, tip: {format: {value: (v) => v.toFixed(v < 10 ? 2 : 1)}}})
    ],
    ...options
  });
  chart.setAttribute("data-chart", "batch-curve");
  return chart;
}
