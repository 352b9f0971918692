// Text reports of plans for the terminal: one line per planner, shares per unit, predictions.

import type {PlanSet} from "./plan.ts";

function table(rows: string[][], right: (col: number) => boolean): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
}

export const ms = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? "-" : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
export const pct = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? "-" : `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`);

export function formatPlans(set: PlanSet): string[] {
  const head = ["planner", ...set.units, "predicted makespan", "vs optimum", "search"];
  const rows = set.plans.map((p) => [p.planner, ...p.shares.map(String), ms(p.makespan_ms), p.planner === "optimal" ? "" : pct(p.gap_pct), `${p.search_ms.toFixed(3)} ms`]);
  const lines = table([head, ...rows], (c) => c > 0);
  const opt = set.optimal_ms;
  lines.push(
    `best single unit: ${set.best_single.unit}, predicted ${ms(set.best_single.ms)} for all ${set.batch}; the optimal split is predicted ${pct((100 * (opt - set.best_single.ms)) / set.best_single.ms)} against it`
  );
  return lines;
}

export {table as alignTable};

/** The profile as a batch x unit grid of medians; held-out sizes marked. */
export function formatProfile(rows: readonly {unit: string; batch: number; row_kind: string; median_ms: number}[]): string[] {
  const units = [...new Set(rows.map((r) => r.unit))];
  const sizes = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  const head = ["batch", ...units];
  const body = sizes.map((b) => {
    const held = rows.some((r) => r.batch === b && r.row_kind === "holdout");
    return [`${b}${held ? " (held out)" : ""}`, ...units.map((u) => ms(rows.find((r) => r.unit === u && r.batch === b)?.median_ms))];
  });
  return table([head, ...body], (c) => c > 0);
}
