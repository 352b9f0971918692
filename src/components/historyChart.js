// Median latency of each configuration run after run: a band (and a bar at each run) for the 95%
// bootstrap interval of the run's median, a line through the medians, and the changes flagged
// against the previous run ringed in red (regression) or green (improvement) with their size.
import * as Plot from "@observablehq/plot";

const FLAG = {regression: "#e45756", improvement: "#54a24b"};

/** @param points [{collected_at, median_ms, ci_low_ms, ci_high_ms, series, verdict, change_pct, run_id, n}] in time order per series */
export function historyChart(points, {width, ...options} = {}) {
  const flagged = points.filter((d) => d.verdict in FLAG);
  const pct = (v) => (v == null ? "" : `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`);
  // A run with few, noisy samples can have an interval far above every median: clip it rather than
  // squash all the lines at the bottom of the chart.
  const top = Math.max(...points.map((d) => d.median_ms));
  const yMax = Math.max(top * 1.5, ...points.map((d) => d.ci_high_ms).filter((v) => v <= top * 3));
  const chart = Plot.plot({
    width,
    height: 340,
    marginLeft: 60,
    marginTop: 24,
    marginRight: 40,
    x: {type: "utc", label: "run started (UTC)"},
    y: {label: "median latency (ms)", grid: true, domain: [0, yMax]},
    clip: true,
    color: {legend: true, label: "configuration"},
    marks: [
      Plot.areaY(points, {x: "collected_at", y1: "ci_low_ms", y2: "ci_high_ms", fill: "series", z: "series", fillOpacity: 0.14}),
      Plot.ruleX(points, {x: "collected_at", y1: "ci_low_ms", y2: "ci_high_ms", stroke: "series", strokeOpacity: 0.6, strokeWidth: 3}),
      Plot.lineY(points, {x: "collected_at", y: "median_ms", stroke: "series", z: "series"}),
      Plot.dot(points, {
        x: "collected_at",
        y: "median_ms",
        fill: "series",
        r: 3,
        tip: true,
        channels: {
          run: "run_id",
          "95% CI": (d) => `${d.ci_low_ms.toFixed(3)} – ${d.ci_high_ms.toFixed(3)} ms`,
          samples: "n",
          "vs previous": (d) => (d.verdict ? `${pct(d.change_pct)} [${pct(d.change_ci_low_pct)}, ${pct(d.change_ci_high_pct)}] ${d.verdict}` : "first run")
        }
      }),
      Plot.dot(flagged, {x: "collected_at", y: "median_ms", r: 8, stroke: (d) => FLAG[d.verdict], strokeWidth: 2.5, fill: "none"}),
      Plot.text(flagged, {x: "collected_at", y: "median_ms", text: (d) => pct(d.change_pct), fill: (d) => FLAG[d.verdict], dy: -14, fontWeight: "bold"})
    ],
    ...options
  });
  chart.setAttribute("data-chart", "history");
  return chart;
}
