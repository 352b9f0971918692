// Power over a whole batch sweep, sample by sample, coloured by the batch size being measured: a
// fall over a long run (thermal or power throttling) stays visible instead of averaged away.
import * as Plot from "@observablehq/plot";

/** @param samples [{batch, t_s, watts, sm_clock_mhz}]
 *  @param y  "watts" or "sm_clock_mhz" */
export function powerTimeline(samples, {width, y = "watts", ...options} = {}) {
  const chart = Plot.plot({
    width,
    height: 220,
    marginLeft: 60,
    x: {label: "time since the sweep started (s)", grid: true},
    y: {label: y === "watts" ? "power (W)" : "SM clock (MHz)", grid: true, zero: y === "watts"},
    color: {type: "ordinal", legend: true, label: "batch"},
    marks: [Plot.dot(samples, {x: "t_s", y, fill: "batch", r: 1.8, tip: true}), Plot.line(samples, {x: "t_s", y, z: "batch", stroke: "batch", strokeOpacity: 0.5})],
    ...options
  });
  chart.setAttribute("data-chart", "power-timeline");
  return chart;
}
