// One quantization from start to end, in steps the study can share between configurations:
//   prepare    the float model as ONNX Runtime's 'basic' optimizer leaves it (BatchNormalization folded
//              into Conv, constants folded), which is what ORT's quantizer asks for (its preprocess step);
//   calibrate  run it on the calibration inputs and keep each tensor's statistics;
//   build      ranges for one method, the QDQ rewrite, the encoded model;
//   evaluate   agreement with the float model on held-out inputs, per-layer SQNR.

import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {mkdir, rename, rm, writeFile} from "node:fs/promises";
import os from "node:os";
import {dirname, join} from "node:path";
import {UserError} from "../common/errors.ts";
import {onnx, readModel, type ModelProto} from "../models/onnx.ts";
import {calibrateRange, needsHistogram, type Method, type Range} from "./calibrate.ts";
import {collectStats, type TensorStats} from "./collect.ts";
import {agreement, asModelInput, layerSqnr, logitsTensor, outputsOf, type Agreement, type LayerSqnr} from "./evaluate.ts";
import {inputSpec, uint8InputRange, type InputSpec, type Preprocess} from "./inputs.ts";
import {activationTensors, checkOpset, quantizeGraph, type QdqReport} from "./qdq.ts";
import {openRunner} from "./session.ts";

export interface Prepared {
  file: string;
  /** The float model as given (the reference for agreement). */
  original: Uint8Array;
  /** The float model after ORT's basic optimizations (what gets calibrated and rewritten). */
  model: ModelProto;
  spec: InputSpec;
  /** Float tensors calibrated. */
  tensors: string[];
}

export async function prepare(file: string, pre: Preprocess | Range, {threads}: {threads?: number} = {}): Promise<Prepared> {
  let original: Uint8Array;
  try {
    original = new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new UserError(`${file}: cannot read the model (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {hint: "Give an .onnx file or a zoo model name (inferscope models list)"});
  }
  const parsed = readModel(original, file);
  checkOpset(parsed, file);
  const spec = inputSpec(parsed, pre, file);
  const dir = mkdtempSync(join(os.tmpdir(), "inferscope-quant-"));
  try {
    const optimized = join(dir, "basic.onnx");
    const runner = await openRunner(original, {opt: "basic", threads, optimizedModelFile: optimized}).catch((error) => {
      throw new UserError(`${file}: ONNX Runtime cannot load the model: ${(error as Error).message.split("\n")[0]}`, {hint: "Check that the float model runs: inferscope bench --model FILE --runs 3"});
    });
    await runner.release();
    const model = readModel(new Uint8Array(readFileSync(optimized)), optimized);
    return {file, original, model, spec, tensors: activationTensors(model)};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

export async function calibrate(p: Prepared, samples: readonly Float32Array[], o: {histograms: boolean; threads?: number; signal?: AbortSignal; onSample?: (pass: 1 | 2, i: number) => void}): Promise<Map<string, TensorStats>> {
  return collectStats(p.model, p.tensors, samples, p.spec, o);
}

export interface Built {
  model: ModelProto;
  bytes: Uint8Array;
  report: QdqReport;
  ranges: Map<string, Range>;
}

export function build(p: Prepared, stats: ReadonlyMap<string, TensorStats>, o: {method: Method; symmetric: boolean; uint8Input: boolean}): Built {
  const ranges = new Map([...stats].map(([name, s]) => [name, calibrateRange(s, o.method, o.symmetric)] as const));
  const {model, report} = quantizeGraph(p.model, ranges, {symmetric: o.symmetric, uint8Input: o.uint8Input ? uint8InputRange(p.spec) : undefined});
  return {model, bytes: onnx.ModelProto.encode(model).finish(), report, ranges};
}

/** Write bytes through a temp file renamed on success. */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, {force: true});
    throw error;
  }
}

export interface Evaluation {
  agreement: Agreement;
  layers: LayerSqnr[];
}

/** The float model's answers on the held-out inputs, computed once per model: outputs, and logits when it ends in a Softmax. */
export interface Reference {
  outputs: Float32Array[];
  logits: {tensor: string; values: Float32Array[]} | null;
}

export async function referenceOutputs(p: Prepared, heldout: readonly Float32Array[], o: {threads?: number; signal?: AbortSignal} = {}): Promise<Reference> {
  // The logits must also be a tensor of the graph that gets quantized, to be read from both models.
  const found = logitsTensor(readModel(p.original, p.file));
  const tensor = found && p.tensors.includes(found) ? found : undefined;
  const r = await outputsOf(p.original, heldout, p.spec, {...o, tensor});
  return {outputs: r.outputs, logits: tensor && r.tensor ? {tensor, values: r.tensor} : null};
}

/** Agreement against the reference (referenceOutputs), then per-layer SQNR on the first `sqnrSamples` held-out inputs. */
export async function evaluate(p: Prepared, b: Built, heldout: readonly Float32Array[], reference: Reference, o: {sqnrSamples: number; threads?: number; signal?: AbortSignal}): Promise<Evaluation> {
  const u8 = b.report.uint8_input ? uint8InputRange(p.spec) : undefined;
  const inputs8 = heldout.map((s) => asModelInput(s, u8));
  let quantOut: Float32Array[];
  let quantLogits: Float32Array[] | null = null;
  try {
    const r = await outputsOf(reference.logits ? b.model : b.bytes, inputs8, p.spec, {...o, tensor: reference.logits?.tensor});
    quantOut = r.outputs;
    quantLogits = r.tensor;
  } catch (error) {
    throw new Error(`the quantized model does not run in onnxruntime-node: ${(error as Error).message.split("\n")[0]}`);
  }
  const inputs = new Set(b.report.tensors.filter((t) => t.op_type === "input").map((t) => t.tensor));
  const known = new Set(p.tensors);
  const names = b.report.tensors.map((t) => t.tensor).filter((t) => !inputs.has(t) && known.has(t));
  const layers = await layerSqnr(p.model, b.model, names, heldout.slice(0, o.sqnrSamples), p.spec, {threads: o.threads, uint8Input: u8, signal: o.signal});
  const logits = reference.logits && quantLogits ? {tensor: reference.logits.tensor, reference: reference.logits.values, quantized: quantLogits} : undefined;
  return {agreement: agreement(reference.outputs, quantOut, logits), layers};
}
