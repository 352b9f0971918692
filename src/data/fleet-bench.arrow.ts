// Benchmarks page, devices side by side: benchmark results that `inferscope fleet run` brought back,
// named by the device they ran on (fleet_devices), the latest of each configuration per device.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  WITH fleet AS (SELECT DISTINCT device AS fleet_device, remote_run_id, arch FROM fleet_devices WHERE remote_run_id IS NOT NULL)
  SELECT f.fleet_device, f.arch, b.config_id, b.model, b.runtime, b.device, b.threads, b.batch, b.opt_level, b.status, b.error,
         b.params, b.flops, b.runs, b.median_ms, b.p90_ms, b.min_ms, b.max_ms, b.cv,
         b.host_name, b.host_cpu, b.host_cores, b.collected_at, b.run_id,
         f.fleet_device || ' · ' || b.runtime || CASE WHEN b.device = 'cpu' THEN '' ELSE ' ' || b.device END AS target
  FROM bench_results b JOIN fleet f ON f.remote_run_id = b.run_id
  QUALIFY row_number() OVER (PARTITION BY f.fleet_device, b.config_id ORDER BY b.collected_at DESC) = 1
  ORDER BY f.fleet_device, b.model, b.runtime, b.threads, b.opt_level`);
