// The quantization study: for each model, calibration method x samples (x activation scheme) ->
// a QDQ model, its agreement with the float model on held-out inputs, its per-layer SQNR, and its
// latency next to the float model's (each measured in its own process, as `inferscope bench` does).
// Everything lands in one run: quant_results, quant_layers, and bench_results rows for FP32 and INT8.

import os from "node:os";
import {existsSync} from "node:fs";
import {basename, join, resolve} from "node:path";
import {CancelledError, UserError} from "../common/errors.ts";
import {log, Progress} from "../common/progress.ts";
import {expandMatrix, type BenchConfig} from "../bench/config.ts";
import {describeConfig, modelFacts, runConfig, type BenchRow} from "../bench/collector.ts";
import {benchResults, quantLayers, quantResults} from "../store/datasets.ts";
import {appendRows, finishRun, newRun, type Run} from "../store/store.ts";
import {needsHistogram, methodLabel, type Method, type Range} from "./calibrate.ts";
import {firstSamples, sampleSets, uint8InputRange, type Preprocess} from "./inputs.ts";
import {build, calibrate, evaluate, prepare, referenceOutputs, writeAtomic, type Built, type Evaluation} from "./pipeline.ts";
import {layerRows, quantFileName, resultRow, type LayerRow, type QuantRow} from "./rows.ts";

export interface ModelArg {
  name: string;
  file: string;
  source: "zoo" | "file";
}

/** A zoo name (built on first use) or the path of an .onnx file. */
export async function resolveModelArg(arg: string, {build: buildIt = true}: {build?: boolean} = {}): Promise<ModelArg> {
  const {ZOO, ensureModel, modelPath, zooEntry} = await import("../models/zoo.ts");
  if (existsSync(arg)) return {name: basename(arg).replace(/\.onnx$/i, ""), file: resolve(arg), source: "file"};
  if (Object.hasOwn(ZOO, arg)) return {name: arg, file: buildIt ? await ensureModel(arg) : modelPath(arg), source: "zoo"};
  if (/\.onnx$/i.test(arg) || arg.includes("/")) throw new UserError(`${arg}: no such file`, {hint: "Give the path of an ONNX model, or a zoo name (inferscope models list)"});
  zooEntry(arg); // throws with did-you-mean
  throw new UserError(`unknown model '${arg}'`);
}

/** The float range pixels map to: --input-range, else [0, 255] for zoo models that rescale inside (EfficientNet), else [0, 1]. */
export function inputRange(model: ModelArg, given?: string): Range {
  if (given !== undefined) {
    const parts = given.split(",").map(Number);
    if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)) || parts[0] >= parts[1]) throw new UserError(`--input-range ${given}: expected LO,HI with LO < HI`, {hint: "e.g. --input-range 0,1 or --input-range -1,1 or --input-range 0,255"});
    return [parts[0], parts[1]];
  }
  return model.source === "zoo" && model.name === "efficientnet_b0" ? [0, 255] : [0, 1];
}

/** A comma-separated list of finite numbers for --mean / --std. */
function numbers(flag: string, given: string, {positive = false} = {}): number[] {
  const xs = given.split(",").map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || (positive && x <= 0))) {
    throw new UserError(`--${flag} ${given}: expected one number or one per channel, comma-separated${positive ? ", all above 0" : ""}`, {hint: flag === "mean" ? "e.g. --mean 0.485,0.456,0.406 (after --input-range 0,1) or --mean 103.939,116.779,123.68 with --input-range 0,255 --bgr" : "e.g. --std 0.229,0.224,0.225"});
  }
  return xs;
}

/** How pixels become the model's input: --input-range, then --mean/--std (in the model's channel order) and --bgr. */
export function preprocessOf(model: ModelArg, given: {inputRange?: string; mean?: string; std?: string; bgr?: boolean; uint8Input?: boolean}): Preprocess {
  const pre: Preprocess = {range: inputRange(model, given.inputRange)};
  if (given.mean !== undefined) pre.mean = numbers("mean", given.mean);
  if (given.std !== undefined) pre.std = numbers("std", given.std, {positive: true});
  if (given.bgr) pre.bgr = true;
  // Checked here, before any work, rather than when the first model is written.
  if (given.uint8Input) uint8InputRange({name: "input", shape: [], ...pre});
  return pre;
}

export interface StudyOptions {
  models: ModelArg[];
  methods: Method[];
  samples: number[];
  schemes: boolean[]; // symmetric?
  heldout: number;
  sqnrSamples: number;
  images?: string;
  uint8Input: boolean;
  inputRange?: string;
  mean?: string;
  std?: string;
  bgr?: boolean;
  runs: number;
  threads: number;
  bench: boolean;
  outDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  root?: string;
  run?: Run;
}

export interface StudyOutcome {
  run: Run;
  status: "ok" | "cancelled";
  results: QuantRow[];
  layers: LayerRow[];
  bench: BenchRow[];
}

export const DEFAULT_STUDY_MODELS = ["mobilenet_v1", "resnet50"];

export async function runStudy(o: StudyOptions): Promise<StudyOutcome> {
  const run = o.run ?? newRun("quantize study", {models: o.models.map((m) => m.name), methods: o.methods.map(methodLabel), samples: o.samples, schemes: o.schemes, heldout: o.heldout, runs: o.runs, images: o.images ?? null, uint8_input: o.uint8Input, input_range: o.inputRange ?? null, mean: o.mean ?? null, std: o.std ?? null, bgr: !!o.bgr});
  const results: QuantRow[] = [];
  const layers: LayerRow[] = [];
  const benchRows: BenchRow[] = [];
  const perModel = 1 + o.samples.length * (1 + o.methods.length * o.schemes.length) + (o.bench ? 1 + o.samples.length * o.methods.length * o.schemes.length : 0);
  const progress = new Progress({total: perModel * o.models.length, label: "quantize study"});
  let cancelled = false;
  const step = async <T>(what: string, body: () => Promise<T>, done?: (r: T) => string): Promise<T> => {
    if (o.signal?.aborted) throw new CancelledError();
    progress.start(what);
    const r = await body();
    progress.finish(done?.(r));
    return r;
  };
  try {
    for (const m of o.models) {
      const pre = preprocessOf(m, o);
      const prepared = await step(`${m.name}: load, ORT basic optimizations, float reference outputs`, () => prepare(m.file, pre, {threads: o.threads}));
      const sets = await sampleSets(prepared.spec, {calibration: Math.max(...o.samples), heldout: o.heldout, images: o.images});
      const reference = await referenceOutputs(prepared, sets.heldout.samples, {threads: o.threads, signal: o.signal});
      const files: {file: string; row: QuantRow}[] = [];
      for (const n of o.samples) {
        const calibration = firstSamples(sets.calibration, n);
        let calibrateMs = 0;
        const stats = await step(`${m.name}: calibrate on ${n} ${calibration.kind} inputs`, async () => {
          const t0 = performance.now();
          const s = await calibrate(prepared, calibration.samples, {histograms: o.methods.some(needsHistogram), threads: o.threads, signal: o.signal});
          calibrateMs = performance.now() - t0;
          return s;
        }, (s) => `${s.size} tensors in ${(calibrateMs / 1000).toFixed(1)} s`);
        for (const symmetric of o.schemes) {
          for (const method of o.methods) {
            const quantFile = join(o.outDir, quantFileName(m.name, method, symmetric, n, o.uint8Input));
            const input = {model: m.name, modelFile: m.file, quantFile, method, symmetric, uint8Input: o.uint8Input, calibration, heldout: sets.heldout, sqnrSamples: o.sqnrSamples, calibrateMs};
            const row = await step(`${m.name}: ${methodLabel(method)}, ${symmetric ? "int8 symmetric" : "uint8 asymmetric"}, ${n} samples`, async () => {
              let built: Built | undefined;
              let evaluation: Evaluation | undefined;
              let quantizeMs: number | undefined;
              try {
                const t0 = performance.now();
                built = build(prepared, stats, {method, symmetric, uint8Input: o.uint8Input});
                quantizeMs = performance.now() - t0;
                await writeAtomic(quantFile, built.bytes);
                evaluation = await evaluate(prepared, built, sets.heldout.samples, reference, {sqnrSamples: o.sqnrSamples, threads: o.threads, signal: o.signal});
              } catch (error) {
                if (o.signal?.aborted) throw new CancelledError();
                const r = {...input, built, quantizeMs, error: (error as Error).message.split("\n")[0]};
                layers.push(...layerRows(r));
                return resultRow(r);
              }
              layers.push(...layerRows({...input, built, evaluation, quantizeMs}));
              return resultRow({...input, built, evaluation, quantizeMs});
            }, (r) => (r.status === "ok" ? `top-1 agreement ${(100 * r.top1_agreement!).toFixed(1)}%, top-5 overlap ${(100 * r.top5_overlap!).toFixed(1)}%, output SQNR ${r.output_sqnr_db?.toFixed(1)} dB, lowest layer ${r.layer_sqnr_min_db?.toFixed(1)} dB` : `FAILED: ${r.error}`));
            results.push(row);
            if (row.status === "ok") files.push({file: quantFile, row});
          }
        }
      }
      if (o.bench) await benchModel(m, files, o, step, benchRows);
    }
  } catch (error) {
    if (!(error instanceof CancelledError) && !(o.signal?.aborted && (error as Error).name === "AbortError")) {
      await finishRun(run, {status: "failed", rows_written: 0, error: (error as Error).message}, {root: o.root}).catch(() => {});
      throw error;
    }
    cancelled = true;
  }
  if (o.signal?.aborted) cancelled = true;
  await appendRows(quantResults, results, run, {root: o.root});
  await appendRows(quantLayers, layers, run, {root: o.root});
  await appendRows(benchResults, benchRows, run, {root: o.root});
  const status = cancelled ? "cancelled" : "ok";
  await finishRun(run, {status, rows_written: results.length + layers.length + benchRows.length, error: cancelled ? `cancelled after ${results.length} quantized model(s)` : null}, {root: o.root});
  return {run, status, results, layers, bench: benchRows};
}

/** FP32 and every INT8 file at batch 1 on ort-cpu, opt 'all' (where ORT fuses QDQ into integer kernels). */
async function benchModel(m: ModelArg, files: {file: string; row: QuantRow}[], o: StudyOptions, step: <T>(what: string, body: () => Promise<T>, done?: (r: T) => string) => Promise<T>, out: BenchRow[]): Promise<void> {
  const refs = [{name: m.name, source: m.source, file: m.file}, ...files.map((f) => ({name: basename(f.file).replace(/\.onnx$/i, ""), source: "file" as const, file: f.file}))];
  const configs: BenchConfig[] = expandMatrix({models: refs, runtimes: ["ort-cpu"], threads: [o.threads], batches: [1], optLevels: ["all"], runs: o.runs});
  let fp32: BenchRow | null = null;
  for (const [i, c] of configs.entries()) {
    const row = await step(`bench ${describeConfig(c)}`, async () => runConfig(c, await modelFacts(c.model_file), {signal: o.signal, timeoutMs: o.timeoutMs, device: "cpu"}), (r) => (r ? (r.status === "ok" ? `median ${r.median_ms!.toFixed(2)} ms over ${r.runs} runs` : `FAILED: ${r.error}`) : "cancelled"));
    if (!row) throw new CancelledError();
    out.push(row);
    if (i === 0) fp32 = row;
    else {
      const q = files[i - 1].row;
      Object.assign(q, {runtime: c.runtime, threads: c.threads, opt_level: c.opt_level, fp32_median_ms: fp32?.median_ms ?? null, int8_median_ms: row.median_ms ?? null, speedup: fp32?.median_ms && row.median_ms ? fp32.median_ms / row.median_ms : null});
    }
  }
}

export function defaultThreads(): number {
  return os.availableParallelism();
}
