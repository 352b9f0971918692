// Energy efficiency (inferences per joule) against throughput, one dot per batch size, with the
// least-squares line and its R^2 in the corner.
import * as Plot from "@observablehq/plot";

/** @param rows [{batch, throughput_infer_per_s, infer_per_joule}]
 *  @param fit {slope, intercept, r2} or null */
export function efficiencyFit(rows, {width, fit, ...options} = {}) {
  const xs = rows.map((d) => d.throughput_infer_per_s);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const line = fit ? [x0, x1].map((x) => ({x, y: fit.slope * x + fit.intercept})) : [];
  const chart = Plot.plot({
    width,
    height: 300,
    marginLeft: 60,
    x: {label: "throughput (inferences/s)", grid: true},
    y: {label: "efficiency (inferences per joule)", grid: true},
    marks: [
      Plot.line(line, {x: "x", y: "y", stroke: "#e45756", strokeDasharray: "4,3"}),
      Plot.dot(rows, {x: "throughput_infer_per_s", y: "infer_per_joule", fill: "#4c78a8", r: 4, tip: true}),
      Plot.text(rows, {x: "throughput_infer_per_s", y: "infer_per_joule", text: (d) => `b${d.batch}`, dy: -9, fontSize: 10}),
      fit ? Plot.text([fit], {frameAnchor: "top-left", dx: 6, dy: 6, text: (f) => `fit: ${f.slope.toExponential(2)} × throughput + ${f.intercept.toFixed(2)}, R² = ${f.r2.toFixed(3)}`}) : null
    ],
    ...options
  });
  chart.setAttribute("data-chart", "efficiency-fit");
  return chart;
}
