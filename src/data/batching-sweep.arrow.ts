// Batch sweeps for the Batching page: one row per batch size (request latencies left out; the power
// series go to batching-power.arrow).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_id, host_name, host_cpu, host_cores, model, runtime, device, threads, opt_level, batch,
         status, error, runs, window_s, window_start_s, requests_per_s, throughput_infer_per_s,
         p50_ms, p90_ms, p95_ms, p99_ms, mean_ms, power_source, power_device, power_note,
         avg_power_w, energy_j, infer_per_joule, power_coverage, len(power_w) AS power_samples
  FROM batch_sweep
  ORDER BY collected_at, batch`);
