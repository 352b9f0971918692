// One row per request (ensemble steps and BLS calls under their top-level request), each stage a
// coloured segment on the trace's time axis; a faint bar spans the whole request.
import * as Plot from "@observablehq/plot";
import {fmtUs} from "./stageTimeline.js";

/**
 * @param requests rows of triton-requests.arrow, in drawing order
 * @param stages [{key, label}] timeline stages (each request row has <key>_at and <key>_us)
 */
export function requestGantt(requests, {stages, domain, color, width = 640, marginLeft = 130, marginRight = 20, ...options} = {}) {
  const keyOf = (r) => `${r.source_file}\u0000${r.trace_id}`;
  const segments = [];
  for (const r of requests) {
    for (const s of stages) {
      const at = r[`${s.key}_at`];
      const us = r[`${s.key}_us`];
      if (at == null || us == null) continue;
      segments.push({row: keyOf(r), x1: at, x2: at + us, us, stage: s.label, model: r.model, version: r.model_version, trace: r.trace_id, request: r.request_id ?? "", parent: r.parent_id ?? "", frontend: r.frontend ?? "in-process"});
    }
  }
  const rowPx = Math.max(2, Math.min(14, 560 / Math.max(1, requests.length)));
  const chart = Plot.plot({
    width,
    height: Math.round(requests.length * rowPx) + 60,
    marginLeft,
    marginRight,
    x: {domain, label: "µs from the first request of the trace", grid: true},
    y: {domain: requests.map(keyOf), axis: null, label: null, padding: 0.15},
    // The rows have no labels (there can be hundreds); say what they are where a y axis would be.
    marginTop: 24,
    color,
    marks: [
      Plot.text(["requests, in order of start ↓"], {frameAnchor: "top-left", dx: -marginLeft + 2, dy: -18, fontSize: 10, textAnchor: "start"}),
      Plot.barX(requests, {x1: "start_at", x2: (r) => r.start_at + r.total_us, y: keyOf, fill: "currentColor", fillOpacity: 0.08, clip: true}),
      Plot.barX(segments, {
        x1: "x1",
        x2: "x2",
        y: "row",
        fill: "stage",
        clip: true,
        tip: {format: {x1: false, x2: false, y: false, fill: true}, channels: {"µs": (d) => fmtUs(d.us), model: "model", version: "version", "trace id": "trace", "request id": "request", parent: "parent", frontend: "frontend"}}
      })
    ],
    ...options
  });
  chart.dataset.chart = "request-gantt";
  return chart;
}
