// The study's top-k operator table: one column group per runtime · device (op, share of operator
// time, executions per run), ranks 1..k as rows, and the top-k total last.
import {html} from "htl";

const pct = (v) => (v == null ? "" : `${v.toFixed(1)}%`);
const count = (v) => (v == null ? "" : Number.isInteger(v) ? String(v) : v.toFixed(2));

/**
 * @param rows objects with target, op, share_pct, count, rank, runs (one per op, ranks from 1)
 * @param k how many ranks to show
 * @param targets column order (default: as they come)
 */
export function topkTable(rows, {k = 4, targets = [...new Set(rows.map((d) => d.target))]} = {}) {
  const byTarget = new Map(targets.map((t) => [t, rows.filter((d) => d.target === t && d.rank <= k).sort((a, b) => a.rank - b.rank)]));
  const ranks = Array.from({length: k}, (_, i) => i + 1);
  // One element per cell: htl wraps a template with several top-level nodes in a <span>, which a table row must not hold.
  const headCells = targets.flatMap(() => [html`<th>op</th>`, html`<th class="num">%</th>`, html`<th class="num" title="executions per inference run">count</th>`]);
  const rankCells = (r) =>
    targets.flatMap((t) => {
      const d = byTarget.get(t).find((x) => x.rank === r);
      return d
        ? [html`<td class="op" title=${`${(d.time_per_run_us / 1000).toFixed(3)} ms per run, over ${d.runs} run${d.runs === 1 ? "" : "s"}`}>${d.op}</td>`, html`<td class="num">${pct(d.share_pct)}</td>`, html`<td class="num">${count(d.count)}</td>`]
        : [html`<td class="muted">–</td>`, html`<td></td>`, html`<td></td>`];
    });
  const totalCells = targets.flatMap((t) => {
    const total = byTarget.get(t).reduce((a, d) => a + d.share_pct, 0);
    return [html`<td></td>`, html`<td class="num" data-total=${total.toFixed(3)}>${pct(total)}</td>`, html`<td></td>`];
  });
  return html`<table class="topk-table" data-topk-table>
    <thead>
      <tr><th rowspan="2">#</th>${targets.map((t) => html`<th colspan="3" class="group">${t}</th>`)}</tr>
      <tr>${headCells}</tr>
    </thead>
    <tbody>
      ${ranks.map((r) => html`<tr><td class="num">${r}</td>${rankCells(r)}</tr>`)}
      <tr class="total" data-topk-total><td>top-${k}</td>${totalCells}</tr>
    </tbody>
  </table>`;
}
