// Network events (bpftrace tcp_sendmsg / tcp_recvmsg) as ticks, one lane per process and direction.
// Drawn under the Gantt with the same x domain and margins when the clocks agree, or on its own axis.
import * as Plot from "@observablehq/plot";

/** @param events [{x, comm, pid, direction, bytes, saddr, sport, daddr, dport, event, line}] */
export function networkLane(events, {width = 640, domain, label, marginLeft = 130, marginRight = 20, ...options} = {}) {
  const lane = (d) => `${d.comm} ${d.direction}`;
  const lanes = [...new Set(events.map(lane))].sort();
  const chart = Plot.plot({
    width,
    height: 26 * lanes.length + 50,
    marginLeft,
    marginRight,
    x: {domain, label, grid: true},
    y: {domain: lanes, label: null},
    color: {domain: ["send", "recv"], range: ["#e45756", "#4c78a8"], legend: true, label: "direction"},
    marks: [
      Plot.tickX(events, {
        x: "x",
        y: lane,
        stroke: "direction",
        clip: true,
        tip: {format: {y: false}, channels: {pid: "pid", from: (d) => `${d.saddr}:${d.sport}`, to: (d) => `${d.daddr}:${d.dport}`, bytes: "bytes", event: "event", "log line": "line"}}
      })
    ],
    ...options
  });
  chart.dataset.chart = "network-lane";
  return chart;
}
