// Benchmark runs written straight into a temporary store, in the layout `inferscope bench` writes
// (one bench_results row per configuration with every sample, then the run record), with latency
// samples drawn like real ones: log-normal around a median, plus the occasional slow outlier.
import {mulberry32} from "../../../loaders/common/random.ts";
import type {HostFingerprint} from "../../../loaders/host/fingerprint.ts";
import {benchResults} from "../../../loaders/store/datasets.ts";
import type {RowOf} from "../../../loaders/store/schema.ts";
import {appendRows, finishRun, newRun, type Run} from "../../../loaders/store/store.ts";
import {summarize} from "../../../loaders/bench/stats.ts";

export const HOST: HostFingerprint = {
  host_id: "a1b2c3d4e5f6",
  host_name: "lab-gpu-07",
  host_cpu: "Intel(R) Xeon(R) Gold 6130",
  host_cores: 32,
  host_memory_gb: 187.5,
  host_os: "Ubuntu 22.04.4 LTS (Linux 5.15.0-105-generic x64)",
  host_node: "20.12.2",
  host_libs: JSON.stringify({inferscope: "0.1.0", "onnxruntime-node": "1.30.0"})
};

export const OTHER_HOST: HostFingerprint = {...HOST, host_id: "ffeeddccbbaa", host_name: "jetson-orin-2", host_cpu: "ARMv8 Processor rev 1 (v8l)", host_cores: 12};

/** Latency samples: log-normal (sigma `cv`) around `median` ms, 3% outliers 1.5-3x slower. */
export function samples(seed: number, n: number, median: number, {cv = 0.05, outliers = 0.03} = {}): number[] {
  const random = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let v = median * Math.exp(cv * z);
    if (random() < outliers) v *= 1.5 + 1.5 * random();
    out.push(v);
  }
  return out;
}

export const CONFIGS = [
  {model: "mobilenet_v1", runtime: "ort-cpu", threads: 1, opt_level: "all", median: 15.2},
  {model: "mobilenet_v1", runtime: "ort-cpu", threads: 2, opt_level: "all", median: 8.6},
  {model: "resnet50", runtime: "ort-cpu", threads: 2, opt_level: "all", median: 61.0},
  {model: "resnet50", runtime: "ort-cpu", threads: 2, opt_level: "disabled", median: 118.4},
  {model: "efficientnet_b0", runtime: "ort-wasm", threads: 1, opt_level: "all", median: 92.7}
] as const;

export function configId(c: (typeof CONFIGS)[number]): string {
  return `${c.model}|${c.runtime}|t${c.threads}|b1|${c.opt_level}`;
}

/** Write one benchmark run of every configuration, each `factor` times the base median. */
export async function writeRun(root: string, {seed, factor = 1, n = 30, at, host = HOST, cv, configs = CONFIGS, record = true}: {seed: number; factor?: number; n?: number; at: Date; host?: HostFingerprint; cv?: number; configs?: readonly (typeof CONFIGS)[number][]; /** false: the data only, as a run killed before its record leaves it. */ record?: boolean}): Promise<Run> {
  const run = newRun("bench", {configs: configs.length}, {host, now: at});
  const rows: RowOf<typeof benchResults>[] = configs.map((c, i) => {
    const s = samples(seed * 100 + i, n, c.median * factor, {cv});
    return {
      config_id: configId(c),
      model: c.model,
      model_source: "zoo",
      model_file: `/opt/inferscope/data/models/${c.model}.onnx`,
      runtime: c.runtime,
      device: "cpu",
      threads: c.threads,
      batch: 1,
      opt_level: c.opt_level,
      status: "ok",
      imported: false,
      warmup_runs: 10,
      samples_ms: s,
      ...summarize(s)
    };
  });
  await appendRows(benchResults, rows, run, {root});
  if (record) await finishRun(run, {status: "ok", rows_written: rows.length}, {root});
  return run;
}
