// Speedups from more threads and from graph optimization, per model and runtime: how much each knob
// buys on this machine (1x = no gain; below 1x it made things slower).
import * as Plot from "@observablehq/plot";

/** @param rows [{model, target, knob, from, to, speedup}] */
export function speedupBars(rows, {width, ...options} = {}) {
  return Plot.plot({
    width,
    height: Math.max(140, 22 * rows.length + 60),
    marginLeft: 280,
    marginRight: 50,
    x: {type: "log", label: "speedup (×, log scale; left of 1× means slower)", grid: true},
    y: {label: null},
    color: {legend: true, label: "what changed"},
    marks: [
      Plot.barX(rows, {x1: 1, x2: "speedup", y: (d) => `${d.model} · ${d.target} · ${d.knob}`, fill: "knob", tip: {channels: {from: "from", to: "to"}}}),
      Plot.ruleX([1], {stroke: "currentColor"}),
      Plot.text(rows, {x: "speedup", y: (d) => `${d.model} · ${d.target} · ${d.knob}`, text: (d) => `${d.speedup.toFixed(2)}×`, dx: 4, textAnchor: "start", fontSize: 10})
    ],
    ...options
  });
}
