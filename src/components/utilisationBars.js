// Per-worker utilisation in each pipeline mode: the share of the mode's wall time spent in inference,
// in pre/post-processing and idle, stacked to 100%.
import * as Plot from "@observablehq/plot";

const PARTS = [
  {key: "infer_pct", part: "inference"},
  {key: "prepost_pct", part: "pre/post-processing"},
  {key: "idle_pct", part: "idle"}
];

/** @param rows [{mode, worker, infer_pct, prepost_pct, idle_pct}] */
export function utilisationBars(rows, {width, ...options} = {}) {
  const y = (d) => `${d.mode} · ${d.worker}`;
  const long = rows.flatMap((d) => PARTS.map(({key, part}) => ({y: y(d), part, pct: d[key], mode: d.mode, worker: d.worker})));
  const chart = Plot.plot({
    width,
    height: 50 + 24 * rows.length,
    marginLeft: 150,
    x: {label: "share of the mode's wall time (%)", domain: [0, 100], grid: true},
    y: {label: null, domain: rows.map(y)},
    color: {domain: PARTS.map((p) => p.part), range: ["#4c78a8", "#f58518", "#e0e0e0"], legend: true},
    marks: [
      Plot.barX(long, Plot.stackX({x: "pct", y: "y", fill: "part", order: PARTS.map((p) => p.part), tip: {format: {pct: (v) => `${v.toFixed(1)}%`}}})),
      Plot.ruleX([0, 100])
    ],
    ...options
  });
  chart.setAttribute("data-chart", "utilisation-bars");
  return chart;
}
