// Quantization page: the latest result of each quantization setting (model x method x activations x
// samples x inputs) per host. Latency comes from the study's own bench_results rows or, for models
// made by `inferscope quantize`, from later `inferscope bench` runs (ort-cpu, batch 1, opt all) of the
// quantized file and of the float model: INT8 and FP32 are paired at the same thread count (the
// highest one both were measured at), so the speedup never compares 1 thread with 2.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  WITH q AS (
    SELECT *, row_number() OVER () AS qid FROM (
      SELECT * FROM quant_results
      QUALIFY row_number() OVER (PARTITION BY host_id, model, method_label, activations, samples, uint8_input, calibration_kind ORDER BY collected_at DESC) = 1
    )
  ),
  b AS (
    SELECT model_file, host_id, threads, median_ms, collected_at FROM bench_results
    WHERE status = 'ok' AND NOT imported AND runtime = 'ort-cpu' AND batch = 1 AND opt_level = 'all'
  ),
  -- For settings without the study's own latencies: the latest INT8 run of the quantized file at each
  -- thread count, with the latest FP32 run of the float model at the same count when there is one.
  int8 AS (
    SELECT q.qid, i.threads, i.median_ms FROM q JOIN b i ON i.model_file = q.quant_file AND i.host_id = q.host_id AND i.collected_at >= q.collected_at
    WHERE q.int8_median_ms IS NULL
    QUALIFY row_number() OVER (PARTITION BY q.qid, i.threads ORDER BY i.collected_at DESC) = 1
  ),
  fp32 AS (
    SELECT model_file, host_id, threads, median_ms FROM b
    QUALIFY row_number() OVER (PARTITION BY model_file, host_id, threads ORDER BY collected_at DESC) = 1
  ),
  pair AS (
    SELECT int8.qid, int8.threads, int8.median_ms AS int8_ms, fp32.median_ms AS fp32_ms
    FROM int8 JOIN q USING (qid) LEFT JOIN fp32 ON fp32.model_file = q.model_file AND fp32.host_id = q.host_id AND fp32.threads = int8.threads
    QUALIFY row_number() OVER (PARTITION BY int8.qid ORDER BY fp32.median_ms IS NOT NULL DESC, int8.threads DESC) = 1
  )
  SELECT q.* EXCLUDE (int8_median_ms, fp32_median_ms, speedup, threads, qid),
         coalesce(q.threads, pair.threads) AS threads,
         coalesce(q.int8_median_ms, pair.int8_ms) AS int8_median_ms,
         CASE WHEN q.int8_median_ms IS NOT NULL THEN q.fp32_median_ms ELSE pair.fp32_ms END AS fp32_median_ms,
         CASE WHEN q.int8_median_ms IS NOT NULL THEN 'quantize study' ELSE 'inferscope bench' END AS latency_from
  FROM q LEFT JOIN pair USING (qid)
  ORDER BY model, activations, method_label, samples`);
