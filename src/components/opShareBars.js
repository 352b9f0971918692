// Share of operator time by op type: one stacked bar per runtime · device, the largest op types
// named and the rest pooled as "other".
import * as Plot from "@observablehq/plot";

/** @param rows [{target, op, share_pct, rank}] every rank of every target */
export function opShareBars(rows, {width, top = 8, ...options} = {}) {
  // Name the op types that make the top `top` anywhere; pool the rest per target.
  const named = new Set(rows.filter((d) => d.rank <= top).map((d) => d.op));
  const data = [];
  for (const t of new Set(rows.map((d) => d.target))) {
    const mine = rows.filter((d) => d.target === t);
    for (const d of mine) if (named.has(d.op)) data.push({target: t, op: d.op, share_pct: d.share_pct});
    const other = mine.filter((d) => !named.has(d.op)).reduce((a, d) => a + d.share_pct, 0);
    if (other > 0) data.push({target: t, op: "other", share_pct: other});
  }
  const order = [...named, "other"];
  const targets = [...new Set(data.map((d) => d.target))];
  return Plot.plot({
    width,
    height: Math.max(110, 34 * targets.length + 70),
    marginLeft: 230,
    x: {label: "share of operator time (%)", domain: [0, 100], grid: true},
    y: {label: null, domain: targets},
    color: {legend: true, domain: order, label: "op type"},
    marks: [
      Plot.barX(data, Plot.stackX({x: "share_pct", y: "target", fill: "op", order, tip: {format: {share_pct: (v) => `${v.toFixed(1)}%`}}})),
      Plot.ruleX([0])
    ],
    ...options
  });
}
