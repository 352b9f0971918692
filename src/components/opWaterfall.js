// One inference run kernel by kernel: each node a bar from its start to its end, in execution order,
// coloured by op type (a Gantt of the run).
import * as Plot from "@observablehq/plot";

/** @param rows [{node_name, op_type, start_us, duration_us}] one run */
export function opWaterfall(rows, {width, ...options} = {}) {
  const data = [...rows].sort((a, b) => a.start_us - b.start_us).map((d, i) => ({...d, order: i, end_us: d.start_us + d.duration_us}));
  const names = data.map((d) => d.node_name);
  const rowHeight = data.length > 80 ? 4 : data.length > 30 ? 9 : 16;
  return Plot.plot({
    width,
    height: Math.max(140, rowHeight * data.length + 60),
    marginLeft: data.length > 80 ? 20 : 200,
    x: {label: "time from the start of the run (ms)", transform: (us) => us / 1000, grid: true},
    y: {label: null, domain: names, axis: data.length > 80 ? null : "left", tickSize: 0},
    color: {legend: true, label: "op type"},
    marks: [
      Plot.barX(data, {x1: "start_us", x2: "end_us", y: "node_name", fill: "op_type", insetTop: 0.5, insetBottom: 0.5, tip: {channels: {node: "node_name", "µs": "duration_us"}, format: {x1: false, x2: false, y: false}}}),
      Plot.ruleX([0])
    ],
    ...options
  });
}
