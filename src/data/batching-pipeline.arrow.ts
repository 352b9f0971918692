// Sync versus async pipeline runs for the Batching page: one row per worker per mode.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, host_name, host_cpu, host_cores, model, runtime, threads, mode, workers, images, images_done, image_size, input_size,
         total_s, throughput_img_per_s, p50_ms, p90_ms, p99_ms, mean_ms, top1_digest, worker, role, worker_images,
         infer_ms, prepost_ms, idle_ms, infer_pct, prepost_pct, idle_pct
  FROM pipeline_runs
  ORDER BY collected_at, mode, worker`);
