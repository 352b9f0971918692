// Every timed sample of each configuration: a box (quartiles, whiskers) over the raw points.
import * as Plot from "@observablehq/plot";

/** @param samples [{label, ms, target}] one object per timed run */
export function latencyDistribution(samples, {width, ...options} = {}) {
  const labels = [...new Set(samples.map((d) => d.label))];
  return Plot.plot({
    width,
    height: Math.max(120, 26 * labels.length + 50),
    marginLeft: 260,
    x: {type: "log", label: "latency of each timed run (ms)", grid: true},
    y: {label: null, domain: labels},
    color: {legend: true, label: "runtime · device"},
    marks: [
      Plot.dot(samples, {x: "ms", y: "label", stroke: "target", r: 1.5, strokeOpacity: 0.5}),
      Plot.boxX(samples, {x: "ms", y: "label", stroke: "currentColor", fill: "none", r: 0})
    ],
    ...options
  });
}
