// `inferscope sweep batch`: each batch size in its own child process (batch-child.ts), requests back
// to back for a fixed window; meanwhile this process records power for the whole sweep and cuts the
// trace to each window, so every row has its mean power, energy, inferences per joule and its samples.

import {execa} from "execa";
import {quantileSorted} from "d3-array";
import {fileURLToPath} from "node:url";
import {formatDuration, Progress} from "../common/progress.ts";
import type {OptLevel, RuntimeName} from "../bench/config.ts";
import type {batchSweep} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import {windowPower} from "../power/window.ts";
import {nowMs, type PowerSource, type PowerTrace} from "../power/types.ts";
import {RESULT_MARK, type SweepChildConfig, type SweepChildResult} from "./protocol.ts";

export type BatchSweepRow = RowOf<typeof batchSweep>;

const CHILD = fileURLToPath(new URL("./batch-child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface BatchSweepOptions {
  model: string;
  modelFile: string;
  runtime: RuntimeName;
  device: string;
  threads: number;
  optLevel: OptLevel;
  batches: number[];
  /** Measurement window per batch size, ms. */
  windowMs: number;
  minRuns: number;
  power: PowerSource;
  powerIntervalMs?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  progress?: boolean;
}

export interface BatchSweepOutcome {
  rows: BatchSweepRow[];
  trace: PowerTrace;
  cancelled: boolean;
}

const q = (sorted: number[], p: number) => quantileSorted(sorted, p)!;

/** A row from one child's result and the sweep's power trace (pure: no clock, no I/O). */
export function sweepRow(base: Omit<BatchSweepRow, "status" | "power_source">, result: SweepChildResult | null, trace: PowerTrace, sweepStartMs: number, failure?: string): BatchSweepRow {
  const power = {power_source: trace.source, power_device: trace.device, power_note: trace.note};
  if (!result?.ok || !result.samples_ms?.length) return {...base, ...power, status: "failed", error: result?.error ?? failure ?? "no result"};
  const samples = result.samples_ms;
  const sorted = [...samples].sort((a, b) => a - b);
  const window_s = (result.end_ms! - result.start_ms!) / 1000;
  const requests_per_s = samples.length / window_s;
  const throughput = requests_per_s * base.batch;
  const w = windowPower(trace, result.start_ms!, result.end_ms!);
  const rel = (t: number) => (t - sweepStartMs) / 1000;
  const series = w.samples.filter((s) => s.watts !== null);
  const all = <K extends "sm_clock_mhz" | "temp_c">(k: K) => (series.length && series.every((s) => s[k] !== null) ? series.map((s) => s[k] as number) : null);
  return {
    ...base,
    ...power,
    status: "ok",
    error: null,
    warmup_runs: result.warmup_runs ?? null,
    session_create_ms: result.session_create_ms ?? null,
    runs: samples.length,
    window_s,
    window_start_s: rel(result.start_ms!),
    requests_per_s,
    throughput_infer_per_s: throughput,
    p50_ms: q(sorted, 0.5),
    p90_ms: q(sorted, 0.9),
    p95_ms: q(sorted, 0.95),
    p99_ms: q(sorted, 0.99),
    mean_ms: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min_ms: sorted[0],
    max_ms: sorted[sorted.length - 1],
    samples_ms: samples,
    avg_power_w: w.avg_power_w,
    energy_j: w.energy_j,
    infer_per_joule: w.avg_power_w ? throughput / w.avg_power_w : null,
    power_coverage: w.avg_power_w === null ? null : w.coverage,
    power_t_s: series.length ? series.map((s) => rel(s.t_ms)) : null,
    power_w: series.length ? series.map((s) => s.watts as number) : null,
    sm_clock_mhz: all("sm_clock_mhz"),
    temp_c: all("temp_c")
  };
}

async function runChild(config: SweepChildConfig, {signal, timeoutMs}: {signal?: AbortSignal; timeoutMs: number}): Promise<{result: SweepChildResult | null; failure?: string; cancelled: boolean}> {
  const child = await execa(process.execPath, ["--import", TSX, CHILD, JSON.stringify(config)], {
    reject: false,
    cancelSignal: signal,
    timeout: timeoutMs,
    env: {OMP_NUM_THREADS: String(config.threads)},
    stdin: "ignore"
  });
  if (child.isCanceled || signal?.aborted) return {result: null, cancelled: true};
  const line = String(child.stdout).split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (line) return {result: JSON.parse(line.slice(RESULT_MARK.length + 1)) as SweepChildResult, cancelled: false};
  const failure = child.timedOut
    ? `timed out after ${formatDuration(timeoutMs)}`
    : `child process ended (${child.signal ?? `exit code ${child.exitCode}`})${String(child.stderr).trim() ? `: ${String(child.stderr).trim().split("\n").slice(-2).join(" ")}` : ""}`;
  return {result: null, failure, cancelled: false};
}

export async function runBatchSweep(o: BatchSweepOptions): Promise<BatchSweepOutcome> {
  const progress = o.progress === false ? null : new Progress({total: o.batches.length, label: "sweep batch", work: o.batches.map((b) => o.windowMs + 1500 + 20 * b)});
  const sweepStart = nowMs();
  const recorder = await o.power.start({intervalMs: o.powerIntervalMs ?? 100});
  const results: {batch: number; result: SweepChildResult | null; failure?: string}[] = [];
  let cancelled = false;
  let loopError: unknown = null;
  try {
    for (const batch of o.batches) {
      if (o.signal?.aborted) {
        cancelled = true;
        break;
      }
      progress?.start(`${o.model} on ${o.runtime}, batch ${batch}`);
      const r = await runChild(
        {runtime: o.runtime, model_file: o.modelFile, threads: o.threads, opt_level: o.optLevel, batch, window_ms: o.windowMs, min_runs: o.minRuns, min_warmup: o.runtime === "ort-wasm" ? 10 : 3, max_warmup: o.runtime === "ort-wasm" ? 60 : 30},
        {signal: o.signal, timeoutMs: o.timeoutMs ?? 600_000}
      );
      if (r.cancelled) {
        cancelled = true;
        break;
      }
      results.push({batch, result: r.result, failure: r.failure});
      const res = r.result;
      if (res?.ok && res.samples_ms?.length) {
        const perS = (res.samples_ms.length * batch) / ((res.end_ms! - res.start_ms!) / 1000);
        const median = [...res.samples_ms].sort((a, b) => a - b)[Math.floor(res.samples_ms.length / 2)];
        progress?.finish(`${perS.toFixed(1)} inferences/s, median ${median.toFixed(2)} ms over ${res.samples_ms.length} requests`);
      } else progress?.finish(`FAILED: ${res?.error ?? r.failure}`);
    }
  } catch (error) {
    loopError = error;
  }
  // The trace is closed even when a child throws, or nvidia-smi would keep running.
  const trace = await recorder.stop();
  if (loopError) throw loopError;
  const rows = results.map(({batch, result, failure}) =>
    sweepRow({model: o.model, model_file: o.modelFile, runtime: o.runtime, device: o.device, threads: o.threads, opt_level: o.optLevel, batch}, result, trace, sweepStart, failure)
  );
  return {rows, trace, cancelled};
}
