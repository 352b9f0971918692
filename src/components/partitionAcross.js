// The evaluation across models and batch sizes: for every measured split, the time it saved against
// the best single unit, predicted (ring) and measured (dot), one row per run and unit set.
import * as Plot from "@observablehq/plot";

/** @param rows [{model, batch, planner, units, predicted_pct, measured_pct, load_1m, run_id}] */
export function partitionAcross(rows, {width, ...options} = {}) {
  const label = (d) => `${d.model} · B=${d.batch} · ${d.units}${d.load_1m != null ? ` · load ${d.load_1m.toFixed(1)}` : ""}`;
  const data = rows.map((d) => ({...d, label: label(d)}));
  const labels = [...new Set(data.map((d) => d.label))];
  return Plot.plot({
    width,
    height: 70 + 30 * labels.length,
    marginLeft: Math.min(380, 12 + 6.2 * Math.max(...labels.map((l) => l.length))),
    x: {label: "time saved against the best single unit (%): ○ predicted, ● measured; left of 0 the split was slower", grid: true},
    y: {domain: labels, label: null},
    color: {legend: true, label: "planner", domain: ["proportional", "greedy", "optimal"]},
    marks: [
      Plot.ruleX([0], {stroke: "currentColor"}),
      Plot.link(data, {x1: "predicted_pct", x2: "measured_pct", y1: "label", y2: "label", stroke: "planner", strokeOpacity: 0.4}),
      Plot.dot(data, {x: "predicted_pct", y: "label", stroke: "planner", r: 5, fill: "white", strokeWidth: 1.5}),
      Plot.dot(data, {x: "measured_pct", y: "label", fill: "planner", r: 4, tip: {channels: {planner: "planner", "predicted %": (d) => d.predicted_pct.toFixed(1), "measured %": (d) => d.measured_pct.toFixed(1)}}})
    ],
    ...options
  });
}
