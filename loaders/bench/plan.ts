// Turns `inferscope bench` options into configurations: resolves models (zoo names are built on
// first use; user files are checked), detects which runtimes this machine can run, expands the matrix.

import {existsSync} from "node:fs";
import {basename, resolve} from "node:path";
import {execa} from "execa";
import {UserError} from "../common/errors.ts";
import {log} from "../common/progress.ts";
import {expandMatrix, FULL_MODELS, OPT_LEVELS, RUNTIMES, STUDY_MODELS, type BenchConfig, type ModelRef, type OptLevel, type RuntimeName} from "./config.ts";

export interface PlanInput {
  models?: string;
  model?: string[];
  runtimes?: string;
  threads?: string;
  batch?: string;
  opt?: string;
  runs?: string;
  full?: boolean;
  /** Resolve zoo models to their paths without building missing ones (for --dry-run). */
  noBuild?: boolean;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

export function positiveInts(flag: string, value: string | undefined): number[] | undefined {
  const items = list(value);
  if (!items) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag}: '${s}' is not a positive whole number`, {hint: `Give a comma-separated list, e.g. --${flag} 1,2,4`});
    return n;
  });
}

/** The GPU name from nvidia-smi, or null when there is no NVIDIA GPU. */
export async function cudaDevice(): Promise<string | null> {
  try {
    const {stdout} = await execa("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"], {timeout: 10_000});
    return stdout.trim().split("\n")[0] || null;
  } catch {
    return null;
  }
}

export async function planBench(o: PlanInput): Promise<{configs: BenchConfig[]; devices: Record<string, string>; skipped: string[]}> {
  const {ZOO, ensureModel, modelPath} = await import("../models/zoo.ts");
  const refs: ModelRef[] = [];
  const zooNames = list(o.models) ?? (o.model?.length ? [] : o.full ? FULL_MODELS : [...STUDY_MODELS]);
  for (const name of zooNames) {
    if (!(name in ZOO)) throw new UserError(`unknown zoo model '${name}'`, {hint: `Known: ${Object.keys(ZOO).join(", ")}. For your own file use --model path.onnx`});
  }
  for (const file of o.model ?? []) {
    const path = resolve(file);
    if (!existsSync(path)) throw new UserError(`${file}: no such file`, {hint: "Give the path of an ONNX model file with --model"});
    refs.push({name: basename(path).replace(/\.onnx$/i, ""), source: "file", file: path});
  }
  for (const [i, name] of zooNames.entries()) {
    if (o.noBuild) {
      refs.push({name, source: "zoo", file: modelPath(name)});
      continue;
    }
    log(`model ${i + 1}/${zooNames.length}: ${name} (built once into data/models/ if missing)`);
    refs.push({name, source: "zoo", file: await ensureModel(name)});
  }

  const devices: Record<string, string> = {"ort-cpu": "cpu", "ort-wasm": "cpu"};
  const skipped: string[] = [];
  const gpu = await cudaDevice();
  let runtimes = list(o.runtimes) as RuntimeName[] | undefined;
  for (const r of runtimes ?? []) {
    if (!(r in RUNTIMES)) throw new UserError(`unknown runtime '${r}'`, {hint: `Known: ${Object.keys(RUNTIMES).join(", ")}`});
  }
  if (!runtimes) runtimes = gpu ? ["ort-cpu", "ort-wasm", "ort-cuda"] : ["ort-cpu", "ort-wasm"];
  if (runtimes.includes("ort-cuda")) {
    if (gpu) devices["ort-cuda"] = `gpu:${gpu}`;
    else {
      runtimes = runtimes.filter((r) => r !== "ort-cuda");
      skipped.push("ort-cuda skipped: no NVIDIA GPU found (nvidia-smi is missing or lists none)");
    }
  }
  if (!o.runtimes && !gpu) skipped.push("ort-cuda not run: no NVIDIA GPU on this machine");
  const optLevels = list(o.opt) as OptLevel[] | undefined;
  for (const l of optLevels ?? []) {
    if (!OPT_LEVELS.includes(l)) throw new UserError(`--opt: unknown optimization level '${l}'`, {hint: `Use ${OPT_LEVELS.join(", ")}`});
  }
  const runs = positiveInts("runs", o.runs)?.[0] ?? 30;
  const configs = expandMatrix({models: refs, runtimes, threads: positiveInts("threads", o.threads), batches: positiveInts("batch", o.batch), optLevels, full: o.full, runs});
  return {configs, devices, skipped};
}
