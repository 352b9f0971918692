// perf_analyzer results for the Timeline page: the latest import of each (model, file).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_name, source_file, model, row_index, load_mode, concurrency, request_rate,
         coalesce(concurrency, request_rate) AS load, throughput,
         client_send_us, network_server_us, server_queue_us, server_compute_input_us, server_compute_infer_us,
         server_compute_output_us, server_compute_us, server_cache_hit_us, server_cache_miss_us, client_recv_us,
         p50_latency_us, p90_latency_us, p95_latency_us, p99_latency_us, avg_latency_us,
         -- 'collect serving' or 'load': measured live here by inferscope; otherwise an imported CSV.
         coalesce((SELECT any_value(kind) FROM runs WHERE runs.run_id = perf_analyzer.run_id), 'import perf-analyzer') AS run_kind
  FROM perf_analyzer
  QUALIFY dense_rank() OVER (PARTITION BY model, source_file ORDER BY collected_at DESC, run_id DESC) = 1
  ORDER BY model, source_file, load`);
