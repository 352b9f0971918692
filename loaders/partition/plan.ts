// The three planners side by side on one performance table, with what each predicts and how far
// the heuristics land from the exact optimum.

import {UserError} from "../common/errors.ts";
import {planGreedy} from "./greedy.ts";
import {planOptimal} from "./optimal.ts";
import type {PerfTable} from "./table.ts";

export const PLANNERS = ["proportional", "greedy", "optimal"] as const;
export type PlannerName = (typeof PLANNERS)[number];

/**
 * Shares proportional to each unit's throughput at the whole batch (B / t_u(B)), rounded by largest
 * remainder so they sum to B (ties to the unit listed first).
 */
export function planProportional(table: PerfTable, batch: number): number[] {
  const U = table.curves.length;
  if (batch <= 0) return new Array(U).fill(0);
  const rates = table.curves.map((_, u) => batch / table.time(u, batch));
  const total = rates.reduce((a, b) => a + b, 0);
  const exact = rates.map((r) => (batch * r) / total);
  const shares = exact.map(Math.floor);
  let left = batch - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, u) => ({u, frac: x - Math.floor(x)})).sort((a, b) => b.frac - a.frac || a.u - b.u);
  for (let i = 0; left > 0; i = (i + 1) % U, left--) shares[order[i].u]++;
  return shares;
}

export interface Plan {
  planner: PlannerName;
  /** Items per unit, in table order; they sum to the batch. */
  shares: number[];
  /** Predicted time of each unit for its share (0 for a share of 0). */
  unit_ms: number[];
  makespan_ms: number;
  /** How much longer than the optimum, in percent (0 for the optimum itself). */
  gap_pct: number;
  /** Time the planner took, ms. */
  search_ms: number;
}

export interface PlanSet {
  batch: number;
  units: string[];
  plans: Plan[];
  /** The unit predicted fastest on the whole batch alone, and its time. */
  best_single: {unit: string; ms: number};
  optimal_ms: number;
}

export function parsePlanners(text: string | undefined, fallback: readonly PlannerName[] = ["optimal"]): PlannerName[] {
  if (!text) return [...fallback];
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.includes("all")) return [...PLANNERS];
  for (const p of items) {
    if (!(PLANNERS as readonly string[]).includes(p)) throw new UserError(`--planner: unknown planner '${p}'`, {hint: `Use ${PLANNERS.join(", ")} or all (comma-separated for several)`});
  }
  return PLANNERS.filter((p) => items.includes(p));
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

/** Run the planners on `table` for `batch` items; the optimum is always computed (for the gap). */
export function planAll(table: PerfTable, batch: number, planners: readonly PlannerName[] = PLANNERS): PlanSet {
  if (!Number.isInteger(batch) || batch < 1) throw new UserError(`--batch: '${batch}' is not a positive whole number`, {hint: "Give the batch to split, e.g. --batch 64"});
  const [opt, optMs] = timed(() => planOptimal(table, batch));
  const raw: {planner: PlannerName; shares: number[]; search_ms: number}[] = [];
  for (const planner of planners) {
    if (planner === "optimal") raw.push({planner, shares: opt.shares, search_ms: optMs});
    else if (planner === "greedy") {
      const [g, ms] = timed(() => planGreedy(table, batch));
      raw.push({planner, shares: g.shares, search_ms: ms});
    } else {
      const [p, ms] = timed(() => planProportional(table, batch));
      raw.push({planner, shares: p, search_ms: ms});
    }
  }
  const plans = raw.map(({planner, shares, search_ms}) => {
    const unit_ms = shares.map((s, u) => table.time(u, s));
    const makespan_ms = Math.max(...unit_ms);
    return {planner, shares, unit_ms, makespan_ms, gap_pct: opt.makespan_ms > 0 ? (100 * (makespan_ms - opt.makespan_ms)) / opt.makespan_ms : 0, search_ms};
  });
  const whole = table.curves.map((c, u) => ({unit: c.unit, ms: table.time(u, batch)}));
  const best_single = whole.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {batch, units: table.units, plans, best_single, optimal_ms: opt.makespan_ms};
}
