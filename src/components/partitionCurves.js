// Each unit's time versus batch size from a performance table: the planners' model as a line, the
// profiled medians as dots, held-out sizes as rings with a cross where the interpolation put them.
import * as Plot from "@observablehq/plot";

/** @param rows [{unit, batch, row_kind: "grid"|"holdout", median_ms, model_ms, predicted_ms}]
 *  @param perItem  plot ms per item instead of ms per batch
 *  @param log  logarithmic time axis (units that differ 10x stay readable) */
export function partitionCurves(rows, {width, perItem = false, log = false, ...options} = {}) {
  const y = (v) => (d) => (d[v] == null ? NaN : perItem ? d[v] / d.batch : d[v]);
  const grid = rows.filter((d) => d.row_kind === "grid");
  const held = rows.filter((d) => d.row_kind === "holdout");
  return Plot.plot({
    width,
    height: 340,
    marginLeft: 60,
    x: {type: "log", label: "batch size (items, log scale)", grid: true},
    y: {type: log ? "log" : "linear", label: `${perItem ? "ms per item" : "ms per batch"}${log ? " (log scale)" : ""}`, grid: true, ...(log ? {} : {zero: true})},
    color: {legend: true, label: "unit"},
    marks: [
      Plot.line(grid, {x: "batch", y: y("model_ms"), stroke: "unit", curve: "linear", strokeOpacity: 0.7}),
      Plot.dot(grid, {x: "batch", y: y("median_ms"), fill: "unit", r: 3.5, tip: {channels: {unit: "unit", "median ms": "median_ms", "model ms": "model_ms"}}}),
      Plot.link(held, {x1: "batch", x2: "batch", y1: y("predicted_ms"), y2: y("median_ms"), stroke: "unit", strokeDasharray: "2,2"}),
      Plot.dot(held, {x: "batch", y: y("predicted_ms"), stroke: "unit", symbol: "times", r: 4, strokeWidth: 2}),
      Plot.dot(held, {x: "batch", y: y("median_ms"), stroke: "unit", fill: "white", r: 5, symbol: "circle", tip: {channels: {unit: "unit", "held out: measured ms": "median_ms", "interpolated ms": "predicted_ms", "error %": (d) => d.error_pct?.toFixed(1)}}})
    ],
    ...options
  });
}
