// `inferscope quantize`: one model, one method, written to --out, evaluated, stored, reported.

import {CancelledError} from "../common/errors.ts";
import {log} from "../common/progress.ts";
import {quantLayers, quantResults} from "../store/datasets.ts";
import {appendRows, finishRun, newRun} from "../store/store.ts";
import {methodLabel, needsHistogram, type Method, type Range} from "./calibrate.ts";
import {sampleSets, type Preprocess} from "./inputs.ts";
import {build, calibrate, evaluate, prepare, referenceOutputs, writeAtomic} from "./pipeline.ts";
import {formatReport} from "./report.ts";
import {layerRows, resultRow, type QuantRow} from "./rows.ts";
import type {ModelArg} from "./study.ts";

export interface OneOptions {
  model: ModelArg;
  /** How pixels become the model's input (a bare range: pixels 0..255 map to it, nothing else). */
  range: Range | Preprocess;
  method: Method;
  symmetric: boolean;
  samples: number;
  heldout: number;
  sqnrSamples: number;
  images?: string;
  uint8Input: boolean;
  out: string;
  threads?: number;
  signal?: AbortSignal;
  root?: string;
}

export async function quantizeOne(o: OneOptions): Promise<{status: "ok" | "failed"; row: QuantRow; text: string; json: unknown}> {
  const run = newRun("quantize", {model: o.model.name, method: methodLabel(o.method), symmetric: o.symmetric, samples: o.samples, images: o.images ?? null, uint8_input: o.uint8Input, out: o.out, preprocess: Array.isArray(o.range) ? {range: o.range} : o.range});
  const prepared = await prepare(o.model.file, o.range, {threads: o.threads});
  const sets = await sampleSets(prepared.spec, {calibration: o.samples, heldout: o.heldout, images: o.images});
  log(`calibration: ${sets.calibration.source}; held out: ${sets.heldout.source}`);
  const t0 = performance.now();
  const stats = await calibrate(prepared, sets.calibration.samples, {histograms: needsHistogram(o.method), threads: o.threads, signal: o.signal});
  const calibrateMs = performance.now() - t0;
  if (o.signal?.aborted) throw new CancelledError();
  const t1 = performance.now();
  const built = build(prepared, stats, {method: o.method, symmetric: o.symmetric, uint8Input: o.uint8Input});
  const quantizeMs = performance.now() - t1;
  await writeAtomic(o.out, built.bytes);
  log(`wrote ${o.out} (${built.bytes.length >= 1e6 ? `${(built.bytes.length / 1e6).toFixed(1)} MB` : `${(built.bytes.length / 1e3).toFixed(1)} kB`}); evaluating on ${sets.heldout.samples.length} held-out inputs`);
  const input = {model: o.model.name, modelFile: o.model.file, quantFile: o.out, method: o.method, symmetric: o.symmetric, uint8Input: o.uint8Input, calibration: sets.calibration, heldout: sets.heldout, sqnrSamples: o.sqnrSamples, built, calibrateMs, quantizeMs};
  let row: QuantRow;
  let layers;
  try {
    const reference = await referenceOutputs(prepared, sets.heldout.samples, {threads: o.threads, signal: o.signal});
    const evaluation = await evaluate(prepared, built, sets.heldout.samples, reference, {sqnrSamples: o.sqnrSamples, threads: o.threads, signal: o.signal});
    row = resultRow({...input, evaluation});
    layers = layerRows({...input, evaluation});
  } catch (error) {
    if (o.signal?.aborted) throw new CancelledError();
    row = resultRow({...input, error: (error as Error).message.split("\n")[0]});
    layers = layerRows(input);
  }
  await appendRows(quantResults, [row], run, {root: o.root});
  await appendRows(quantLayers, layers, run, {root: o.root});
  await finishRun(run, {status: "ok", rows_written: 1 + layers.length, error: null}, {root: o.root});
  return {
    status: row.status === "ok" ? "ok" : "failed",
    row,
    text: formatReport(row, built.report, layers),
    json: {run_id: run.run_id, ...row, quantized_ops: built.report.quantized, float_ops: built.report.float_ops, float_node_list: built.report.float_nodes, removed_ops: built.report.removed, layers: layers.map(({model, quant_file, method_label, activations, samples, ...l}) => l)}
  };
}
