// Planned splits for the Partition page: one row per planner x unit, from `partition plan` and `partition run`.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_name, model, batch, units, planner, unit, share, predicted_ms,
         predicted_makespan_ms, optimal_makespan_ms, gap_pct, search_ms, best_single_unit,
         best_single_predicted_ms, profile_run_id, imported, source_file
  FROM partition_plans
  ORDER BY collected_at, batch, planner, unit`);
