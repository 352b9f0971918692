// Quantization page: the latest result of each quantization setting (model x method x activations x
// samples x inputs) per host. Latency comes from the study's own bench_results rows or, for models
// made by `inferscope quantize`, from a later `inferscope bench --model <file>` (ort-cpu, batch 1, opt all).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  WITH q AS (
    SELECT * FROM quant_results
    QUALIFY row_number() OVER (PARTITION BY host_id, model, method_label, activations, samples, uint8_input, calibration_kind ORDER BY collected_at DESC) = 1
  ),
  b AS (
    SELECT model_file, host_id, threads, median_ms, collected_at FROM bench_results
    WHERE status = 'ok' AND NOT imported AND runtime = 'ort-cpu' AND batch = 1 AND opt_level = 'all'
  )
  SELECT q.* EXCLUDE (int8_median_ms, fp32_median_ms, speedup, threads),
         coalesce(q.threads, (SELECT max(threads) FROM b WHERE b.model_file = q.quant_file AND b.host_id = q.host_id AND b.collected_at >= q.collected_at)) AS threads,
         coalesce(q.int8_median_ms, (SELECT median_ms FROM b WHERE b.model_file = q.quant_file AND b.host_id = q.host_id AND b.collected_at >= q.collected_at ORDER BY threads DESC, collected_at DESC LIMIT 1)) AS int8_median_ms,
         coalesce(q.fp32_median_ms, (SELECT median_ms FROM b WHERE b.model_file = q.model_file AND b.host_id = q.host_id ORDER BY threads DESC, collected_at DESC LIMIT 1)) AS fp32_median_ms,
         CASE WHEN q.int8_median_ms IS NOT NULL THEN 'quantize study' ELSE 'inferscope bench' END AS latency_from
  FROM q
  ORDER BY model, activations, method_label, samples`);
