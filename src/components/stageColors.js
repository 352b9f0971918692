// One colour per request stage, the same on every serving chart (stage timeline, Gantt,
// perf_analyzer bars): Triton trace stages and perf_analyzer's client-side stages.
const COLORS = {
  client_send: "#9d755d",
  receive: "#72b7b2",
  network_server: "#5d8f8b",
  frontend: "#b279a2",
  queue: "#f58518",
  compute_input: "#9ecae9",
  compute_infer: "#4c78a8",
  compute_output: "#54a24b",
  compute: "#2f5f98",
  ensemble: "#bab0ac",
  response: "#eeca3b",
  send: "#ff9da6",
  client_recv: "#e45756"
};

/**
 * A Plot color scale for stages named by their labels.
 * @param stages [{key, label}] in drawing order (the legend follows it)
 */
export function stageColors(stages, options = {}) {
  return {domain: stages.map((s) => s.label), range: stages.map((s) => COLORS[s.key] ?? "#999"), legend: true, ...options};
}
