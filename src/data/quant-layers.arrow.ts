// Quantization page: per-layer ranges and SQNR of the quantized models the results loader keeps
// (the latest run of each setting per host).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  WITH q AS (
    SELECT run_id, quant_file, host_id, uint8_input, calibration_kind FROM quant_results
    QUALIFY row_number() OVER (PARTITION BY host_id, model, method_label, activations, samples, uint8_input, calibration_kind ORDER BY collected_at DESC) = 1
  )
  SELECT l.model, l.quant_file, l.method_label, l.activations, l.samples, q.uint8_input, q.calibration_kind, l.layer_index, l.tensor, l.node, l.op_type,
         l.range_min, l.range_max, l.scale, l.zero_point, l.sqnr_db, l.host_name, l.run_id
  FROM quant_layers AS l JOIN q USING (run_id, quant_file, host_id)
  ORDER BY l.model, l.activations, l.method_label, l.samples, l.layer_index`);
