// Performance tables for the Partition page: every profiled (and imported) unit x batch size.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_id, host_name, host_cpu, host_cores, model, opt_level, units, unit, runtime,
         threads, cores, max_batch, batch, row_kind, median_ms, model_ms, predicted_ms, error_pct,
         compute_median_ms, runs, warmup_runs, load_1m, imported, source_file
  FROM partition_profiles
  ORDER BY collected_at, unit, batch`);
