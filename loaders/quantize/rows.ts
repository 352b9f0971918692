// Store rows of one quantized model: quant_results (one row) and quant_layers (one per tensor).

import {basename} from "node:path";
import type {quantLayers, quantResults} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import {methodLabel, type Method} from "./calibrate.ts";
import type {SampleSet} from "./inputs.ts";
import type {Built, Evaluation} from "./pipeline.ts";

export type QuantRow = RowOf<typeof quantResults>;
export type LayerRow = RowOf<typeof quantLayers>;

export interface RowInput {
  model: string;
  modelFile: string;
  quantFile: string;
  method: Method;
  symmetric: boolean;
  uint8Input: boolean;
  calibration: SampleSet;
  heldout: SampleSet;
  sqnrSamples: number;
  built?: Built;
  evaluation?: Evaluation;
  error?: string;
  calibrateMs?: number;
  quantizeMs?: number;
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/** Method name for file names: percentile=99.99 -> percentile99.99. */
export function methodSlug(m: Method): string {
  return methodLabel(m).replace("=", "");
}

export function quantFileName(model: string, m: Method, symmetric: boolean, samples: number, uint8Input: boolean): string {
  return `${model}-int8-${methodSlug(m)}-${symmetric ? "sym" : "asym"}-n${samples}${uint8Input ? "-u8in" : ""}.onnx`;
}

export function resultRow(r: RowInput): QuantRow {
  const rep = r.built?.report;
  const a = r.evaluation?.agreement;
  const layers = (r.evaluation?.layers ?? []).filter((l) => Number.isFinite(l.sqnr_db));
  const worst = layers.reduce<(typeof layers)[number] | undefined>((w, l) => (!w || l.sqnr_db < w.sqnr_db ? l : w), undefined);
  const sum = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((x, y) => x + y, 0);
  return {
    model: r.model,
    model_file: r.modelFile,
    quant_file: r.quantFile,
    quant_model: basename(r.quantFile).replace(/\.onnx$/i, ""),
    method: r.method.kind,
    method_label: methodLabel(r.method),
    percentile: r.method.kind === "percentile" ? r.method.percentile : null,
    activations: r.symmetric ? "int8 symmetric" : "uint8 asymmetric",
    uint8_input: r.uint8Input,
    samples: r.calibration.samples.length,
    calibration_kind: r.calibration.kind,
    calibration_source: r.calibration.source,
    heldout_samples: r.heldout.samples.length,
    heldout_kind: r.heldout.kind,
    heldout_source: r.heldout.source,
    sqnr_samples: Math.min(r.sqnrSamples, r.heldout.samples.length),
    opset_from: rep?.opset_from ?? 0,
    opset_to: rep?.opset_to ?? 0,
    quantized_nodes: sum(rep?.quantized),
    quantized_ops: JSON.stringify(rep?.quantized ?? {}),
    removed_activations: sum(rep?.removed),
    float_nodes: rep?.float_nodes.length ?? 0,
    float_ops: JSON.stringify(rep?.float_ops ?? {}),
    float_node_list: JSON.stringify(rep?.float_nodes ?? []),
    qdq_pairs: rep?.qdq_pairs ?? 0,
    weight_dq: rep?.weight_dq ?? 0,
    bias_dq: rep?.bias_dq ?? 0,
    status: r.error ? "failed" : "ok",
    error: r.error ?? null,
    top1_agreement: finite(a?.top1),
    top5_overlap: finite(a?.top5),
    cosine_mean: finite(a?.cosine_mean),
    cosine_min: finite(a?.cosine_min),
    output_sqnr_db: finite(a?.output_sqnr_db),
    agreement_on: a?.compared_on ?? null,
    layer_sqnr_mean_db: layers.length ? layers.reduce((s, l) => s + l.sqnr_db, 0) / layers.length : null,
    layer_sqnr_min_db: worst ? worst.sqnr_db : null,
    worst_layer: worst?.tensor ?? null,
    calibrate_ms: finite(r.calibrateMs),
    quantize_ms: finite(r.quantizeMs),
    runtime: null,
    threads: null,
    opt_level: null,
    fp32_median_ms: null,
    int8_median_ms: null,
    speedup: null
  };
}

export function layerRows(r: RowInput): LayerRow[] {
  if (!r.built) return [];
  const sqnr = new Map((r.evaluation?.layers ?? []).map((l) => [l.tensor, l.sqnr_db]));
  return r.built.report.tensors.map((t, i) => ({
    model: r.model,
    quant_file: r.quantFile,
    method_label: methodLabel(r.method),
    activations: r.symmetric ? "int8 symmetric" : "uint8 asymmetric",
    samples: r.calibration.samples.length,
    layer_index: i,
    tensor: t.tensor,
    node: t.node,
    op_type: t.op_type,
    range_min: t.range[0],
    range_max: t.range[1],
    scale: t.params.scale,
    zero_point: t.params.zeroPoint,
    sqnr_db: finite(sqnr.get(t.tensor))
  }));
}
