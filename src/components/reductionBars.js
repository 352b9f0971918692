// How much of the best single unit's time each split saved (right of 0) or cost (left of 0):
// the prediction in grey beside the measurement.
import * as Plot from "@observablehq/plot";

/** @param rows [{label, predicted_pct, measured_pct}] one per split */
export function reductionBars(rows, {width, ...options} = {}) {
  const labels = rows.map((d) => d.label);
  const long = rows
    .flatMap((d) => [
      {label: d.label, which: "predicted", pct: d.predicted_pct},
      {label: d.label, which: "measured", pct: d.measured_pct}
    ])
    .filter((d) => d.pct != null && Number.isFinite(d.pct));
  const text = (d) => `${d.pct >= 0 ? "" : "−"}${Math.abs(d.pct).toFixed(1)}%`;
  return Plot.plot({
    width,
    height: 50 + 42 * rows.length,
    marginLeft: Math.min(360, 12 + 6.2 * Math.max(...labels.map((l) => l.length))),
    marginRight: 50,
    x: {label: "time saved against the best single unit (%; left of 0 the split was slower)", grid: true},
    y: {domain: ["predicted", "measured"], axis: null},
    fy: {domain: labels, label: null, axis: "left"},
    color: {domain: ["predicted", "measured"], range: ["#c7c7c7", "#4c78a8"], legend: true},
    marks: [
      Plot.barX(long, {x: "pct", y: "which", fy: "label", fill: "which", tip: {channels: {"saved %": (d) => d.pct.toFixed(1)}}}),
      Plot.text(long.filter((d) => d.pct >= 0), {x: "pct", y: "which", fy: "label", text, textAnchor: "start", dx: 3, fontSize: 10}),
      // Labels of negative bars sit right of the zero line, clear of the axis labels.
      Plot.text(long.filter((d) => d.pct < 0), {x: 0, y: "which", fy: "label", text, textAnchor: "start", dx: 3, fontSize: 10}),
      Plot.ruleX([0], {stroke: "currentColor"})
    ],
    ...options
  });
}
