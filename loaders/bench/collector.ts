// `inferscope bench`: runs every configuration in its own child process, shows progress, and writes
// one bench_results row per configuration (failed ones included) plus the run record.
// Ctrl-C stops after killing the configuration in flight; completed ones are kept and written.

import {execa} from "execa";
import {readFile} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import {formatDuration, log, Progress} from "../common/progress.ts";
import {benchResults} from "../store/datasets.ts";
import {writeParquetAtomic} from "../store/parquet.ts";
import type {RowOf} from "../store/schema.ts";
import {allColumns, appendRows, finishRun, newRun, type Run} from "../store/store.ts";
import {RESULT_MARK, type ChildResult} from "./protocol.ts";
import type {BenchConfig} from "./config.ts";
import {summarize} from "./stats.ts";

export type BenchRow = RowOf<typeof benchResults>;

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface ModelFacts {
  params: number | null;
  flops: number | null;
}

/** Parameters and FLOPs (batch 1) of a model file; null where the counter cannot say. */
export async function modelFacts(file: string): Promise<ModelFacts> {
  try {
    const {analyzeModel} = await import("../models/info.ts");
    const info = analyzeModel(new Uint8Array(await readFile(file)));
    return {params: info.params, flops: info.uncounted_ops.length === 0 || info.flops > 0 ? info.flops : null};
  } catch (error) {
    log(`note: cannot count parameters and FLOPs of ${file}: ${(error as Error).message.split("\n")[0]}`);
    return {params: null, flops: null};
  }
}

/** Rough relative cost of a configuration, only for the time-left estimate: WASM is ~6x slower than native. */
export function expectedWork(c: BenchConfig, facts: ModelFacts): number {
  const perRun = (facts.flops ?? 1e9) * c.batch * (c.runtime === "ort-wasm" ? 6 : 1) * (c.opt_level === "disabled" ? 2 : 1) / Math.sqrt(c.threads);
  return perRun * (c.runs + c.min_warmup + 5) + 2e8; // + a fixed cost for the process and session
}

export function describeConfig(c: BenchConfig): string {
  return `${c.model} on ${c.runtime}, ${c.threads} thread${c.threads > 1 ? "s" : ""}, batch ${c.batch}, opt ${c.opt_level}`;
}

/** Run one configuration in a child process and return its row (status failed when it did not finish). */
export async function runConfig(c: BenchConfig, facts: ModelFacts, {signal, timeoutMs, device}: {signal?: AbortSignal; timeoutMs: number; device: string}): Promise<BenchRow | null> {
  const child = await execa(process.execPath, ["--import", TSX, CHILD, JSON.stringify(c)], {
    reject: false,
    cancelSignal: signal,
    timeout: timeoutMs,
    // Threads are set per session; keep OpenMP-style env knobs from changing results behind our back.
    env: {OMP_NUM_THREADS: String(c.threads)},
    stdin: "ignore"
  });
  if (child.isCanceled || signal?.aborted) return null;
  const line = String(child.stdout).split("\n").find((l) => l.startsWith(RESULT_MARK));
  let result: ChildResult | undefined;
  if (line) result = JSON.parse(line.slice(RESULT_MARK.length + 1)) as ChildResult;
  const base: BenchRow = {
    config_id: c.config_id,
    model: c.model,
    model_source: c.model_source,
    model_file: c.model_file,
    runtime: c.runtime,
    device,
    threads: c.threads,
    batch: c.batch,
    opt_level: c.opt_level,
    status: "failed",
    imported: false,
    params: facts.params,
    flops: facts.flops,
    peak_rss_mb: result?.peak_rss_mb ?? null
  };
  if (result?.ok && result.samples_ms) {
    return {...base, status: "ok", error: null, warmup_runs: result.warmup_runs, session_create_ms: result.session_create_ms, samples_ms: result.samples_ms, ...summarize(result.samples_ms)};
  }
  let error: string;
  if (result?.error) error = result.error;
  else if (child.timedOut) error = `timed out after ${formatDuration(timeoutMs)} (raise --timeout to allow longer)`;
  else if (child.signal) error = `child process crashed (${child.signal})${String(child.stderr).trim() ? `: ${String(child.stderr).trim().split("\n").slice(-2).join(" ")}` : ""}`;
  else error = `child process exited with code ${child.exitCode}: ${String(child.stderr).trim().split("\n").slice(-3).join(" ") || "no output"}`;
  return {...base, error};
}

export interface BenchOutcome {
  run: Run;
  rows: BenchRow[];
  status: "ok" | "cancelled";
  file: string | null;
}

export async function runBench(
  configs: BenchConfig[],
  {root, signal, timeoutMs = 600_000, exportFile, devices = {}, run = newRun("bench", {configs: configs.length})}: {
    root?: string;
    signal?: AbortSignal;
    timeoutMs?: number;
    exportFile?: string;
    /** Device label per runtime (default "cpu"). */
    devices?: Partial<Record<string, string>>;
    run?: Run;
  } = {}
): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const facts = new Map<string, ModelFacts>();
  for (const c of configs) if (!facts.has(c.model_file)) facts.set(c.model_file, await modelFacts(c.model_file));
  const progress = new Progress({total: configs.length, label: "bench", work: configs.map((c) => expectedWork(c, facts.get(c.model_file)!))});
  try {
    for (const c of configs) {
      if (signal?.aborted) break;
      progress.start(describeConfig(c));
      const row = await runConfig(c, facts.get(c.model_file)!, {signal, timeoutMs, device: devices[c.runtime] ?? "cpu"});
      if (!row) break;
      rows.push(row);
      progress.finish(
        row.status === "ok"
          ? `median ${row.median_ms!.toFixed(2)} ms, p90 ${row.p90_ms!.toFixed(2)} ms, cv ${(100 * row.cv!).toFixed(1)}% over ${row.runs} runs (${row.warmup_runs} warm-up)`
          : `FAILED: ${row.error}`
      );
    }
  } catch (error) {
    await finishRun(run, {status: "failed", rows_written: 0, error: (error as Error).message}, {root}).catch(() => {});
    throw error;
  }
  const status = signal?.aborted ? "cancelled" : "ok";
  const file = await appendRows(benchResults, rows, run, {root});
  if (exportFile && rows.length) {
    // A self-contained file another machine's `inferscope import runs` merges, host columns included.
    const base = {run_id: run.run_id, collected_at: run.collected_at, ...run.host};
    await writeParquetAtomic(exportFile, allColumns(benchResults), rows.map((r) => ({...base, ...r})));
  }
  await finishRun(run, {status, rows_written: rows.length, error: status === "cancelled" ? `cancelled after ${rows.length} of ${configs.length} configurations` : null}, {root});
  return {run, rows, status, file};
}
