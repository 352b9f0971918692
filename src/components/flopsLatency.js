// FLOPs versus latency, log-log, one colour per runtime · device, each point labelled with its model.
import * as Plot from "@observablehq/plot";

export function flopsLatencyPlot(rows, {width, ...options} = {}) {
  const data = rows.filter((d) => d.flops > 0 && d.median_ms > 0);
  return Plot.plot({
    width,
    height: 420,
    marginRight: 110,
    grid: true,
    x: {type: "log", label: "GFLOPs per inference (one sample)", tickFormat: (d) => (d / 1e9).toPrecision(2)},
    y: {type: "log", label: "median latency (ms)"},
    color: {legend: true, label: "runtime · device"},
    marks: [
      Plot.line(data, {x: "flops", y: "median_ms", stroke: "target", sort: "flops", strokeOpacity: 0.3}),
      Plot.dot(data, {x: "flops", y: "median_ms", fill: "target", r: 5, tip: {channels: {model: "model", "p90 ms": "p90_ms", runs: "runs"}}}),
      Plot.text(data, {x: "flops", y: "median_ms", text: "model", dx: 8, textAnchor: "start", fontSize: 10, fill: "currentColor"})
    ],
    ...options
  });
}
