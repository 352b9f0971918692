// perf_analyzer's average request split into client and server stages, one stacked bar per load level.
import * as Plot from "@observablehq/plot";
import {fmtUs} from "./stageTimeline.js";

/**
 * @param rows [{level, stage, key, us}] one per load level and stage, stages in drawing order
 * @param levels load level labels in order of load
 */
export function perfStageBars(rows, {levels, color, width = 640, ...options} = {}) {
  const chart = Plot.plot({
    width,
    height: 320,
    marginLeft: 60,
    x: {domain: levels, label: "load level", padding: 0.25},
    y: {label: "average latency (µs)", grid: true},
    color,
    marks: [
      Plot.barY(rows, {x: "level", y: "us", fill: "stage", order: color.domain, tip: {format: {x: true, y: false, fill: true}, channels: {"µs": (d) => fmtUs(d.us)}}}),
      Plot.ruleY([0])
    ],
    ...options
  });
  chart.dataset.chart = "perf-stage-bars";
  return chart;
}
