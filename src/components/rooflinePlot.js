// The roofline: each kernel at (FLOPs per byte, achieved GFLOP/s), log-log, under the host's two
// ceilings (peak compute, and memory bandwidth x intensity). Left of the ridge point a kernel is
// memory-bound: its roof is the bandwidth line.
import * as Plot from "@observablehq/plot";

/**
 * @param points [{node_name, op, intensity, gflops, bound}] kernels with FLOPs > 0
 * @param ceilings {peak_gflops, bandwidth_gbs}
 */
export function rooflinePlot(points, {peak_gflops, bandwidth_gbs}, {width, ...options} = {}) {
  const ridge = peak_gflops / bandwidth_gbs;
  const xs = points.map((d) => d.intensity);
  const lo = Math.min(ridge / 20, ...xs) / 1.5;
  const hi = Math.max(ridge * 20, ...xs) * 1.5;
  const roof = [
    {x: lo, y: bandwidth_gbs * lo},
    {x: ridge, y: peak_gflops},
    {x: hi, y: peak_gflops}
  ];
  return Plot.plot({
    width,
    height: 420,
    grid: true,
    x: {type: "log", label: "arithmetic intensity (FLOPs per byte read and written)", domain: [lo, hi]},
    y: {type: "log", label: "achieved GFLOP/s"},
    color: {legend: true, domain: ["memory-bound", "compute-bound"], range: ["#e45756", "#4c78a8"], label: "bound"},
    marks: [
      Plot.line(roof, {x: "x", y: "y", stroke: "currentColor", strokeWidth: 2}),
      Plot.ruleX([ridge], {stroke: "currentColor", strokeDasharray: "3,3", strokeOpacity: 0.5}),
      Plot.text([{x: hi, y: peak_gflops}], {x: "x", y: "y", text: () => `peak ${peak_gflops.toFixed(0)} GFLOP/s`, textAnchor: "end", dy: -8}),
      Plot.text([{x: lo, y: bandwidth_gbs * lo}], {x: "x", y: "y", text: () => `${bandwidth_gbs.toFixed(1)} GB/s`, textAnchor: "start", dy: -10, dx: 4}),
      Plot.text([{x: ridge, y: peak_gflops}], {x: "x", y: "y", text: () => `ridge ${ridge.toFixed(1)} FLOP/B`, textAnchor: "start", dx: 6, dy: 14, fillOpacity: 0.7}),
      Plot.dot(points, {x: "intensity", y: "gflops", fill: (d) => `${d.bound}-bound`, r: 4, fillOpacity: 0.8, tip: {channels: {node: "node_name", op: "op", "µs per run": "time_us"}, format: {x: (v) => v.toFixed(2), y: (v) => v.toFixed(1)}}})
    ],
    ...options
  });
}
