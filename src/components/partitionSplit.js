// The split each planner chose, as one stacked bar per planner: items per unit, with the predicted
// makespan and the gap to the optimum at the end of each bar.
import * as Plot from "@observablehq/plot";

const ORDER = ["proportional", "greedy", "optimal"];

/** @param rows [{planner, unit, share, predicted_ms, predicted_makespan_ms, gap_pct}] one per planner x unit
 *  @param units unit labels in table order (stack order and colours) */
export function partitionSplit(rows, {width, units, ...options} = {}) {
  const planners = ORDER.filter((p) => rows.some((d) => d.planner === p));
  const totals = planners.map((p) => {
    const r = rows.filter((d) => d.planner === p);
    return {planner: p, batch: r.reduce((a, d) => a + d.share, 0), makespan: r[0].predicted_makespan_ms, gap: r[0].gap_pct};
  });
  const label = (t) => `${t.makespan >= 100 ? t.makespan.toFixed(0) : t.makespan.toFixed(2)} ms${t.planner === "optimal" ? " (optimum)" : ` (+${t.gap.toFixed(1)}%)`}`;
  return Plot.plot({
    width,
    height: 60 + 46 * planners.length,
    marginLeft: 100,
    marginRight: 150,
    x: {label: "items of the batch", grid: true},
    y: {domain: planners, label: null},
    color: {legend: true, label: "unit", domain: units},
    marks: [
      Plot.barX(rows.filter((d) => d.share > 0), Plot.stackX({x: "share", y: "planner", fill: "unit", order: units, inset: 0.5, tip: {channels: {unit: "unit", items: "share", "predicted ms": (d) => d.predicted_ms.toFixed(2)}}})),
      Plot.text(rows.filter((d) => d.share > 0), Plot.stackX({x: "share", y: "planner", z: "unit", order: units, text: (d) => String(d.share), fill: "white", fontSize: 11})),
      Plot.text(totals, {x: "batch", y: "planner", text: label, textAnchor: "start", dx: 6, fontSize: 11})
    ],
    ...options
  });
}
