// Predicted versus measured makespan per configuration: the prediction as a ring, every measured
// repetition as a faint dot, the median as a filled dot, joined to the prediction.
import * as Plot from "@observablehq/plot";

/** @param rows [{label, predicted_ms (may be null), measured_ms, p90_ms, kind}] one per configuration
 *  @param samples [{label, ms}] every repetition (optional) */
export function makespanCompare(rows, {width, samples = [], ...options} = {}) {
  const labels = rows.map((d) => d.label);
  return Plot.plot({
    width,
    height: 50 + 26 * rows.length,
    marginLeft: Math.min(360, 12 + 6.2 * Math.max(...labels.map((l) => l.length))),
    x: {label: "makespan (ms): ○ predicted, ● measured median, · each repetition", grid: true, zero: true},
    y: {domain: labels, label: null},
    color: {domain: ["split", "single", "baseline"], range: ["#4c78a8", "#72b7b2", "#b279a2"], legend: true, label: "configuration"},
    marks: [
      Plot.dot(samples, {x: "ms", y: "label", r: 1.5, fill: "currentColor", fillOpacity: 0.25}),
      Plot.link(rows.filter((d) => d.predicted_ms != null), {x1: "predicted_ms", x2: "measured_ms", y1: "label", y2: "label", stroke: "kind", strokeOpacity: 0.6}),
      Plot.dot(rows.filter((d) => d.predicted_ms != null), {x: "predicted_ms", y: "label", r: 5, stroke: "kind", fill: "white", strokeWidth: 1.5}),
      Plot.dot(rows, {x: "measured_ms", y: "label", r: 4.5, fill: "kind", tip: {channels: {"predicted ms": (d) => d.predicted_ms?.toFixed(2) ?? "-", "measured median ms": (d) => d.measured_ms.toFixed(2), "p90 ms": (d) => d.p90_ms.toFixed(2), "error %": (d) => (d.error_pct == null ? "-" : d.error_pct.toFixed(1))}}})
    ],
    ...options
  });
}
