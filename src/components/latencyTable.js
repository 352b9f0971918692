// The study's latency table: one row per model, one column per runtime · device, median ms in each
// cell with the spread (p10..p90 of the samples is not stored; min, p90, max and CV are) on hover.
import {html} from "htl";

const fmtMs = (v) => (v == null ? "" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const fmtG = (v) => (v == null ? "" : (v / 1e9).toFixed(3));
const fmtM = (v) => (v == null ? "" : (v / 1e6).toFixed(2));

/** @param rows objects with model, target, flops, params, median_ms, p90_ms, min_ms, max_ms, cv, runs, status, error */
export function latencyTable(rows, {targets = [...new Set(rows.map((d) => d.target))].sort()} = {}) {
  const models = [...new Set(rows.map((d) => d.model))];
  const cell = new Map(rows.map((d) => [`${d.model}\u0000${d.target}`, d]));
  const facts = new Map();
  for (const d of rows) if (!facts.has(d.model) || (facts.get(d.model).flops == null && d.flops != null)) facts.set(d.model, d);
  models.sort((a, b) => (facts.get(a).flops ?? Infinity) - (facts.get(b).flops ?? Infinity));
  const title = (d) =>
    d.status !== "ok"
      ? `failed: ${d.error ?? "unknown error"}`
      : d.runs
        ? `median ${fmtMs(d.median_ms)} ms over ${d.runs} runs\nmin ${fmtMs(d.min_ms)} · p90 ${fmtMs(d.p90_ms)} · max ${fmtMs(d.max_ms)} ms\nCV ${(100 * d.cv).toFixed(1)}%`
        : `imported value from ${d.source_file ?? "a table"}`;
  return html`<table class="latency-table" data-latency-table>
    <thead><tr><th>model</th><th title="GFLOPs of one inference, one sample">GFLOPs</th><th title="parameters, millions">params (M)</th>${targets.map((t) => html`<th>${t}</th>`)}</tr></thead>
    <tbody>${models.map((m) => html`<tr>
      <td>${m}</td><td class="num">${fmtG(facts.get(m).flops)}</td><td class="num">${fmtM(facts.get(m).params)}</td>
      ${targets.map((t) => {
        const d = cell.get(`${m}\u0000${t}`);
        if (!d) return html`<td class="num muted">–</td>`;
        return d.status === "ok" ? html`<td class="num" title=${title(d)}>${fmtMs(d.median_ms)}</td>` : html`<td class="num failed" title=${title(d)}>failed</td>`;
      })}
    </tr>`)}</tbody>
  </table>`;
}
