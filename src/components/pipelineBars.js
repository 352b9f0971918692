// Sync versus async: wall time for the same images in each pipeline mode, throughput at the bar's end.
import * as Plot from "@observablehq/plot";

/** @param modes [{mode, workers, total_s, throughput_img_per_s, images_done}] */
export function pipelineBars(modes, {width, ...options} = {}) {
  const label = (d) => `${d.mode}${d.mode === "sync" ? "" : ` (${d.workers} workers)`}`;
  const chart = Plot.plot({
    width,
    height: 50 + 34 * modes.length,
    marginLeft: 150,
    marginRight: 170,
    x: {label: `total time for ${modes[0]?.images_done ?? ""} images (s)`, grid: true},
    y: {label: null, domain: modes.map(label)},
    color: {domain: ["sync", "parallel", "queue"], range: ["#9d9da1", "#4c78a8", "#54a24b"]},
    marks: [
      Plot.barX(modes, {x: "total_s", y: label, fill: "mode", tip: true}),
      Plot.text(modes, {x: "total_s", y: label, text: (d) => `${d.total_s.toFixed(2)} s · ${d.throughput_img_per_s.toFixed(1)} img/s`, dx: 4, textAnchor: "start", fontSize: 11}),
      Plot.ruleX([0])
    ],
    ...options
  });
  chart.setAttribute("data-chart", "pipeline-bars");
  return chart;
}
