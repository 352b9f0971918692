// Benchmark results for the Benchmarks page: the latest row of each configuration on each host
// (older repeats stay in the store for the history), local and imported, samples included.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT config_id, model, model_source, runtime, device, threads, batch, opt_level, status, error,
         imported, source_file, params, flops, warmup_runs, runs, median_ms, mean_ms, p90_ms, p99_ms,
         min_ms, max_ms, stddev_ms, cv, session_create_ms, peak_rss_mb, samples_ms,
         run_id, collected_at, host_id, host_name, host_cpu, host_cores,
         -- Where a result was measured: the named device for imported tables, the host otherwise.
         CASE WHEN imported THEN runtime || ' · ' || device || ' (imported)'
              ELSE runtime || ' · ' || host_name || CASE WHEN device = 'cpu' THEN '' ELSE ' ' || device END END AS target
  FROM bench_results
  QUALIFY row_number() OVER (PARTITION BY config_id, host_id, coalesce(source_file, '') ORDER BY collected_at DESC) = 1
  ORDER BY model, runtime, threads, batch, opt_level`);
