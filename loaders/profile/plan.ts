// Turns `inferscope profile` options into configurations.
// Default: mobilenet_v1 and resnet50 on ort-cpu at 'all' and 'disabled' (with every core) and on
// ort-wasm at 'all' (one thread), batch 1, 10 warm-up runs then 10 profiled runs each.

import {existsSync} from "node:fs";
import os from "node:os";
import {basename, resolve} from "node:path";
import {UserError} from "../common/errors.ts";
import {log} from "../common/progress.ts";
import {OPT_LEVELS, RUNTIMES, type OptLevel, type RuntimeName} from "../bench/config.ts";
import {cudaDevice, positiveInts} from "../bench/plan.ts";
import type {ProfileConfig} from "./protocol.ts";

export const DEFAULT_PROFILE_MODELS = ["mobilenet_v1", "resnet50"];
export const DEFAULT_RUNS = 10;
export const DEFAULT_WARMUP = 10;

export interface ProfilePlanInput {
  models?: string;
  model?: string[];
  runtimes?: string;
  opt?: string;
  threads?: string;
  batch?: string;
  runs?: string;
  warmup?: string;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

function count(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min) throw new UserError(`--${flag}: '${value}' is not a whole number >= ${min}`, {hint: `e.g. --${flag} ${fallback}`});
  return n;
}

/** Opt levels per runtime when none are given: the optimized and the unoptimized graph natively, the optimized one in WASM. */
export function defaultLevels(runtime: RuntimeName): OptLevel[] {
  return runtime === "ort-wasm" ? ["all"] : ["all", "disabled"];
}

export async function planProfiles(o: ProfilePlanInput, {cores = os.availableParallelism()}: {cores?: number} = {}): Promise<{configs: ProfileConfig[]; devices: Record<string, string>; skipped: string[]}> {
  const {ZOO, ensureModel} = await import("../models/zoo.ts");
  const zooNames = list(o.models) ?? (o.model?.length ? [] : DEFAULT_PROFILE_MODELS);
  for (const name of zooNames) {
    if (!(name in ZOO)) throw new UserError(`unknown zoo model '${name}'`, {hint: `Known: ${Object.keys(ZOO).join(", ")}. For your own file use --model path.onnx`});
  }
  const runtimes = (list(o.runtimes) ?? ["ort-cpu", "ort-wasm"]) as RuntimeName[];
  for (const r of runtimes) if (!(r in RUNTIMES)) throw new UserError(`unknown runtime '${r}'`, {hint: `Known: ${Object.keys(RUNTIMES).join(", ")}`});
  const levels = list(o.opt) as OptLevel[] | undefined;
  for (const l of levels ?? []) if (!OPT_LEVELS.includes(l)) throw new UserError(`--opt: unknown optimization level '${l}'`, {hint: `Use ${OPT_LEVELS.join(", ")}`});
  const threads = positiveInts("threads", o.threads)?.[0];
  const batch = positiveInts("batch", o.batch)?.[0] ?? 1;
  const runs = count("runs", o.runs, DEFAULT_RUNS, 1);
  const warmup = count("warmup", o.warmup, DEFAULT_WARMUP, 0);

  const models: {name: string; source: "zoo" | "file"; file: string}[] = [];
  for (const file of o.model ?? []) {
    const path = resolve(file);
    if (!existsSync(path)) throw new UserError(`${file}: no such file`, {hint: "Give the path of an ONNX model file with --model"});
    models.push({name: basename(path).replace(/\.onnx$/i, ""), source: "file", file: path});
  }
  for (const [i, name] of zooNames.entries()) {
    log(`model ${i + 1}/${zooNames.length}: ${name} (built once into data/models/ if missing)`);
    models.push({name, source: "zoo", file: await ensureModel(name)});
  }

  const devices: Record<string, string> = {"ort-cpu": "cpu", "ort-wasm": "cpu"};
  const skipped: string[] = [];
  let usable = runtimes;
  if (runtimes.includes("ort-cuda")) {
    const gpu = await cudaDevice();
    if (gpu) devices["ort-cuda"] = `gpu:${gpu}`;
    else {
      usable = runtimes.filter((r) => r !== "ort-cuda");
      skipped.push("ort-cuda skipped: no NVIDIA GPU found (nvidia-smi is missing or lists none)");
    }
  }
  const configs: ProfileConfig[] = [];
  for (const m of models) {
    for (const runtime of usable) {
      for (const opt_level of levels ?? defaultLevels(runtime)) {
        configs.push({
          model: m.name,
          model_source: m.source,
          model_file: m.file,
          runtime,
          opt_level,
          // Natively every core, as a deployment would; WASM one thread, as in the benchmark's quick matrix.
          threads: threads ?? (runtime === "ort-wasm" ? 1 : cores),
          batch,
          warmup,
          runs
        });
      }
    }
  }
  return {configs, devices, skipped};
}

export function describeProfile(c: ProfileConfig): string {
  return `${c.model} on ${c.runtime}, opt ${c.opt_level}, ${c.threads} thread${c.threads > 1 ? "s" : ""}, batch ${c.batch}`;
}
