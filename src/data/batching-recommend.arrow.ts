// Batch-size recommendations per request rate, beside the measurement, for the Batching page.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, model, profile_run_id, request_rate, latency_bound_ms, objective, feasible, batch, max_queue_delay_us,
         predicted_p99_ms, utilisation, infer_per_joule, capacity_infer_per_s, note, measured_config, measured_p99_ms, measured_throughput,
         best_measured_config, best_measured_p99_ms
  FROM batch_recommendations
  ORDER BY collected_at, request_rate`);
