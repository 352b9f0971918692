// Measured splits for the Partition page: per configuration x unit, with every repetition's makespan.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_id, host_name, host_cpu, host_cores, model, opt_level, batch, units,
         row_kind, planner, measured_as, unit, share, predicted_ms, unit_median_ms, compute_median_ms,
         predicted_makespan_ms, makespan_median_ms, makespan_p90_ms, makespan_samples_ms,
         prediction_error_pct, best_single_unit, best_single_ms, reduction_pct, runs, warmup_runs, load_1m, profile_run_id
  FROM partition_runs
  ORDER BY collected_at, batch, row_kind, planner, unit`);
