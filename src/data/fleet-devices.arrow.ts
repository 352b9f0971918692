// Benchmarks page: each fleet device's latest `inferscope fleet run`: how it went, where, and on what
// hardware (the device's own host fingerprint, from the run it sent back).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT f.device, f.destination, f.mode, f.image, f.tags, f.arch, f.status, f.error_code, f.error, f.args,
         f.duration_s, f.collected_at, f.remote_host_name, r.host_cpu AS remote_cpu, r.host_cores AS remote_cores,
         r.host_memory_gb AS remote_memory_gb, r.host_os AS remote_os
  FROM fleet_devices f
  LEFT JOIN (SELECT DISTINCT run_id, host_cpu, host_cores, host_memory_gb, host_os FROM runs) r ON r.run_id = f.remote_run_id
  QUALIFY row_number() OVER (PARTITION BY f.device ORDER BY f.collected_at DESC, f.remote_run_id NULLS LAST) = 1
  ORDER BY f.device`);
