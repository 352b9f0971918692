// Benchmark configurations: what one isolated measurement runs, and the matrices `inferscope bench`
// expands into them.

import os from "node:os";
import {STUDY_MODELS} from "../models/zoo.ts";

export {STUDY_MODELS};

export const RUNTIMES = {
  "ort-cpu": {provider: "cpu", description: "onnxruntime-node, CPU execution provider"},
  "ort-wasm": {provider: "wasm", description: "onnxruntime-web, WASM backend in Node"},
  "ort-cuda": {provider: "cuda", description: "onnxruntime-node, CUDA execution provider (NVIDIA GPU)"}
} as const;

export type RuntimeName = keyof typeof RUNTIMES;
export const OPT_LEVELS = ["disabled", "basic", "extended", "all"] as const;
export type OptLevel = (typeof OPT_LEVELS)[number];

export interface ModelRef {
  /** Display name: zoo name or file base name. */
  name: string;
  source: "zoo" | "file";
  file: string;
}

export interface BenchConfig {
  config_id: string;
  model: string;
  model_source: "zoo" | "file";
  model_file: string;
  runtime: RuntimeName;
  threads: number;
  batch: number;
  opt_level: OptLevel;
  runs: number;
  min_warmup: number;
  max_warmup: number;
}

export function configId(c: Pick<BenchConfig, "model" | "runtime" | "threads" | "batch" | "opt_level">): string {
  return [c.model, c.runtime, `t${c.threads}`, `b${c.batch}`, c.opt_level].join("|");
}

/** The study's five models are benchmarked by default; --full adds the rest of the zoo (not the test model). */
export const FULL_MODELS = [...STUDY_MODELS, "resnet18", "squeezenet1_1", "inception_v3", "vgg16"];

export interface MatrixOptions {
  models: ModelRef[];
  runtimes: RuntimeName[];
  /** Explicit lists override the quick/full defaults and give a plain cross product. */
  threads?: number[];
  batches?: number[];
  optLevels?: OptLevel[];
  full?: boolean;
  runs: number;
  cores?: number;
}

interface Cell {
  threads: number;
  batch: number;
  opt_level: OptLevel;
}

function cross(threads: number[], batches: number[], opts: readonly OptLevel[]): Cell[] {
  return threads.flatMap((t) => batches.flatMap((b) => opts.map((o) => ({threads: t, batch: b, opt_level: o}))));
}

/**
 * The configurations to run. Quick (default): each model at batch 1 on the CPU with 1 thread and all
 * cores at 'all', all cores at 'disabled' (thread and optimization speedups), and WASM with 1 thread.
 * Full: threads {1, 2, 4.. up to cores}, batch {1, 8}, every optimization level, every runtime.
 */
export function expandMatrix(o: MatrixOptions): BenchConfig[] {
  const cores = o.cores ?? os.availableParallelism();
  const explicit = o.threads || o.batches || o.optLevels;
  const threadSteps = [...new Set([1, ...Array.from({length: 8}, (_, i) => 2 ** (i + 1)).filter((t) => t < cores), cores])];
  const configs: BenchConfig[] = [];
  for (const model of o.models) {
    for (const runtime of o.runtimes) {
      let cells: Cell[];
      if (explicit) cells = cross(o.threads ?? [cores], o.batches ?? [1], o.optLevels ?? ["all"]);
      else if (o.full) cells = cross(runtime === "ort-cuda" ? [1] : threadSteps, [1, 8], OPT_LEVELS);
      else if (runtime === "ort-cpu") cells = [...cross([...new Set([1, cores])], [1], ["all"]), {threads: cores, batch: 1, opt_level: "disabled"}];
      else cells = cross([1], [1], ["all"]);
      for (const cell of cells) {
        const c = {model: model.name, runtime, ...cell};
        configs.push({
          ...c,
          config_id: configId(c),
          model_source: model.source,
          model_file: model.file,
          runs: o.runs,
          // V8 runs WASM with its baseline compiler first and swaps in optimized code later.
          min_warmup: runtime === "ort-wasm" ? 10 : 5,
          max_warmup: runtime === "ort-wasm" ? 60 : 40
        });
      }
    }
  }
  // Same configuration named twice (e.g. threads 1 and cores 1) runs once.
  return [...new Map(configs.map((c) => [c.config_id, c])).values()];
}
