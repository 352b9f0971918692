// The stage timeline of one request: a horizontal bar per source (the Triton trace's statistic, the
// perf_analyzer client view), its stages laid end to end, each labelled in microseconds. Labels that
// do not fit inside their segment go above or below it on the first free level, with a leader line.
import * as Plot from "@observablehq/plot";

export const fmtUs = (v) => (v == null ? "" : v >= 1000 ? `${Math.round(v).toLocaleString("en-US")} µs` : v >= 10 ? `${Math.round(v)} µs` : `${v.toFixed(1)} µs`);

const CHAR_PX = 6.1; // width of one character at 10px, roughly
const LEVELS = [1, -1, 2, -2, 3, -3, 4, -4];

/**
 * @param rows [{source, key, label, value}] each source's stages in order (value in µs, null skipped)
 * @param color a Plot color scale (see stageColors.js)
 */
export function stageTimeline(rows, {width = 640, color, marginLeft = 20, marginRight = 30, ...options} = {}) {
  const sources = [...new Set(rows.map((d) => d.source))];
  const segments = [];
  for (const source of sources) {
    let at = 0;
    for (const d of rows.filter((r) => r.source === source && r.value != null && r.value > 0)) {
      segments.push({...d, x1: at, x2: at + d.value, text: fmtUs(d.value)});
      at += d.value;
    }
  }
  const xmax = Math.max(1, ...segments.map((d) => d.x2));
  const plotWidth = width - marginLeft - marginRight;
  const px = (x) => (x / xmax) * plotWidth;
  // Greedy label placement in pixels, per source.
  for (const source of sources) {
    const taken = new Map(LEVELS.map((l) => [l, []]));
    for (const d of segments.filter((s) => s.source === source)) {
      const w = d.text.length * CHAR_PX + 6;
      const mid = px((d.x1 + d.x2) / 2);
      if (px(d.x2) - px(d.x1) >= w + 4) {
        d.level = 0;
        continue;
      }
      const center = Math.min(Math.max(mid, w / 2), plotWidth - w / 2);
      const [a, b] = [center - w / 2, center + w / 2];
      d.level = LEVELS.find((l) => taken.get(l).every(([c, e]) => b + 4 < c || a > e + 4)) ?? LEVELS.at(-1);
      taken.get(d.level).push([a, b]);
      d.labelX = (center / plotWidth) * xmax;
    }
  }
  const used = Math.max(1, ...segments.map((d) => Math.abs(d.level)));
  const y = (level) => Math.sign(level) * (1 + 1.1 * Math.abs(level) - 0.35);
  const inside = segments.filter((d) => d.level === 0);
  const outside = segments.filter((d) => d.level !== 0);
  const chart = Plot.plot({
    width,
    height: sources.length * (70 + 26 * used) + 40,
    marginLeft,
    marginRight,
    marginTop: 4,
    x: {domain: [0, xmax], label: "µs from the start of the request", grid: true},
    // Room above the labels for the source's title.
    y: {domain: [-(used + 0.6) * 1.1, (used + 0.6) * 1.1 + 1.6], axis: null},
    fy: {domain: sources, axis: null, padding: 0.12},
    color,
    marks: [
      Plot.text(sources, {fy: (d) => d, text: (d) => d, frameAnchor: "top-left", fontSize: 11, fontWeight: "bold"}),
      Plot.rect(segments, {x1: "x1", x2: "x2", y1: -0.9, y2: 0.9, fy: "source", fill: "label", stroke: "var(--theme-background)", strokeWidth: 0.5, tip: {format: {x1: false, x2: false, y1: false, y2: false, fy: false, fill: true}, channels: {"µs": (d) => fmtUs(d.value), "from µs": (d) => fmtUs(d.x1)}}}),
      Plot.text(inside, {x: (d) => (d.x1 + d.x2) / 2, y: 0, fy: "source", text: "text", fontSize: 10, fill: "currentColor", stroke: "var(--theme-background)", strokeWidth: 3}),
      Plot.link(outside, {x1: (d) => (d.x1 + d.x2) / 2, y1: (d) => Math.sign(d.level) * 0.9, x2: "labelX", y2: (d) => y(d.level) - Math.sign(d.level) * 0.45, fy: "source", stroke: "currentColor", strokeOpacity: 0.4}),
      Plot.text(outside, {x: "labelX", y: (d) => y(d.level), fy: "source", text: "text", fontSize: 10, fill: "currentColor"})
    ],
    ...options
  });
  chart.dataset.chart = "stage-timeline";
  return chart;
}
