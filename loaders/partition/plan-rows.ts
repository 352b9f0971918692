// Store rows for a set of plans (partition_plans): one per planner x unit.

import type {partitionPlans} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import type {PlanSet} from "./plan.ts";

export type PlanRow = RowOf<typeof partitionPlans>;

export function planRows(set: PlanSet, o: {model: string; profileRunId: string; imported: boolean; sourceFile?: string | null}): PlanRow[] {
  const units = set.units.join(",");
  return set.plans.flatMap((p) =>
    set.units.map((unit, i) => ({
      model: o.model,
      batch: set.batch,
      units,
      planner: p.planner,
      unit,
      share: p.shares[i],
      predicted_ms: p.unit_ms[i],
      predicted_makespan_ms: p.makespan_ms,
      optimal_makespan_ms: set.optimal_ms,
      gap_pct: p.gap_pct,
      search_ms: p.search_ms,
      best_single_unit: set.best_single.unit,
      best_single_predicted_ms: set.best_single.ms,
      profile_run_id: o.profileRunId,
      imported: o.imported,
      source_file: o.sourceFile ?? null
    }))
  );
}

/** Plans as JSON for --json: shares and predicted times keyed by unit. */
export function plansJson(set: PlanSet) {
  return set.plans.map((p) => ({
    planner: p.planner,
    shares: Object.fromEntries(set.units.map((u, i) => [u, p.shares[i]])),
    predicted_unit_ms: Object.fromEntries(set.units.map((u, i) => [u, p.unit_ms[i]])),
    predicted_makespan_ms: p.makespan_ms,
    gap_pct: p.gap_pct,
    search_ms: p.search_ms
  }));
}
