// Pairs of models where fewer FLOPs took longer, on the same runtime and device: the study's point
// that FLOPs are a poor proxy for latency. Ranked by how far the pair is from "more FLOPs, slower".

/** @param rows [{model, target, flops, median_ms}] one per model and target */
export function inversions(rows) {
  const byTarget = new Map();
  for (const r of rows) if (r.flops > 0 && r.median_ms > 0) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  const found = [];
  for (const [target, list] of byTarget) {
    for (const a of list) {
      for (const b of list) {
        if (a.flops < b.flops && a.median_ms > b.median_ms) {
          found.push({target, fewer: a.model, more: b.model, flopsRatio: b.flops / a.flops, latencyRatio: a.median_ms / b.median_ms, score: (b.flops / a.flops) * (a.median_ms / b.median_ms)});
        }
      }
    }
  }
  return found.sort((x, y) => y.score - x.score);
}

const times = (x) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

/** A sentence naming the most striking inversions, or saying there are none. */
export function inversionSentence(rows, {limit = 3} = {}) {
  const list = inversions(rows);
  if (rows.length < 2) return "";
  if (list.length === 0) return "In these results, every model with fewer FLOPs also ran faster on the same runtime and device.";
  const parts = list.slice(0, limit).map((d) => `on ${d.target}, ${d.fewer} has ${times(1 / d.flopsRatio)} the FLOPs of ${d.more} (${times(d.flopsRatio)} fewer) yet took ${times(d.latencyRatio)} as long`);
  return `FLOPs do not predict latency here: ${parts.join("; ")}.${list.length > limit ? ` ${list.length - limit} more such pair${list.length - limit > 1 ? "s" : ""} appear in the chart.` : ""}`;
}
