// Dynamic batching against request rate (the reference server and load generator), for the Batching page.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_name, host_cpu, host_cores, model, config_label, max_batch, preferred_batch, max_queue_delay_us, instances,
         distribution, request_rate, client_batch, concurrency, throughput_infer_per_s, p50_us, p90_us, p95_us, p99_us, avg_us,
         server_queue_us, server_compute_us
  FROM dynamic_batching
  ORDER BY collected_at, config_label, request_rate`);
