// perf_analyzer's latency against throughput: one line per file, its points in order of load
// (perf_analyzer writes rows by throughput), each labelled with its concurrency or request rate.
import * as Plot from "@observablehq/plot";

/** @param rows [{source_file, load, load_mode, throughput, latency_us}] sorted by source_file, load */
export function latencyThroughput(rows, {width = 640, metric = "latency", ...options} = {}) {
  const loadText = (d) => (d.load_mode === "request_rate" ? `${d.load}/s` : `c=${d.load}`);
  const files = new Set(rows.map((d) => d.source_file));
  const chart = Plot.plot({
    width,
    height: 320,
    marginRight: 40,
    x: {label: "throughput (inferences/s)", grid: true, zero: true},
    y: {label: `${metric} (ms)`, grid: true, zero: true},
    color: files.size > 1 ? {legend: true, label: "file"} : undefined,
    marks: [
      Plot.line(rows, {x: "throughput", y: (d) => d.latency_us / 1000, z: "source_file", stroke: files.size > 1 ? "source_file" : "currentColor", strokeOpacity: 0.6}),
      Plot.dot(rows, {x: "throughput", y: (d) => d.latency_us / 1000, fill: files.size > 1 ? "source_file" : "currentColor", r: 3.5, tip: {channels: {load: loadText, file: "source_file"}}}),
      Plot.text(rows, {x: "throughput", y: (d) => d.latency_us / 1000, text: loadText, dy: -9, fontSize: 10, stroke: "var(--theme-background)", strokeWidth: 3, fill: "currentColor"})
    ],
    ...options
  });
  chart.dataset.chart = "latency-throughput";
  return chart;
}
