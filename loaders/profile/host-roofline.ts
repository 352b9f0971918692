// The roofline ceilings of this host, measured once (in a child process, like the profiles) and
// stored in roofline_host with the host fingerprint; measured again only when asked (--force).

import os from "node:os";
import {log} from "../common/progress.ts";
import {UserError} from "../common/errors.ts";
import {hostFingerprint} from "../host/fingerprint.ts";
import {rooflineHost} from "../store/datasets.ts";
import {sqlString, type RowOf} from "../store/schema.ts";
import {appendRows, finishRun, newRun, queryStore} from "../store/store.ts";
import {runChild} from "./collector.ts";
import type {RooflineChildResult} from "./protocol.ts";
import {rates} from "./roofline.ts";

export type RooflineRow = RowOf<typeof rooflineHost>;

export const GEMM_N = 1024;
export const COPY_BYTES = 256 * 2 ** 20;
export const REPS = 10;

/** This host's stored ceilings: per metric and thread count, the measurement with the best rate (the roof). */
export async function storedRoofline({root, hostId = hostFingerprint().host_id}: {root?: string; hostId?: string} = {}): Promise<RooflineRow[]> {
  const rows = await queryStore<RooflineRow>(
    `SELECT * EXCLUDE (samples_ms) FROM roofline_host WHERE host_id = ${sqlString(hostId)}
     QUALIFY row_number() OVER (PARTITION BY metric, threads ORDER BY best DESC, collected_at DESC) = 1
     ORDER BY metric, threads`,
    {root}
  );
  return rows;
}

/** Thread counts to measure: 1 and every core (what profiles use by default), and any count asked for. */
export function rooflineThreads(extra: readonly number[] = [], cores = os.availableParallelism()): number[] {
  return [...new Set([1, cores, ...extra])].sort((a, b) => a - b);
}

/** Measure and store the ceilings unless this host has them (or force). Returns the rows now in force. */
export async function ensureRoofline({root, force = false, threads = rooflineThreads(), signal}: {root?: string; force?: boolean; threads?: number[]; signal?: AbortSignal} = {}): Promise<{rows: RooflineRow[]; measured: boolean}> {
  const have = await storedRoofline({root});
  const missing = threads.filter((t) => !have.some((r) => r.threads === t && r.metric === "compute") || !have.some((r) => r.threads === t && r.metric === "memory"));
  if (!force && missing.length === 0) return {rows: have, measured: false};
  const measure = force ? threads : missing;
  log(`roofline: measuring this host's peak compute (MatMul ${GEMM_N}^3 in onnxruntime-node) and memory bandwidth (${COPY_BYTES / 2 ** 20} MiB copies) with ${measure.join(", ")} thread(s)`);
  const run = newRun("profile roofline", {threads: measure, gemm_n: GEMM_N, copy_bytes: COPY_BYTES, reps: REPS});
  const result = await runChild<RooflineChildResult>({kind: "roofline", threads: measure, gemm_n: GEMM_N, copy_bytes: COPY_BYTES, reps: REPS}, {signal, timeoutMs: 300_000, threads: Math.max(...measure)});
  if (!result) {
    await finishRun(run, {status: "cancelled", rows_written: 0, error: "cancelled"}, {root});
    return {rows: have, measured: false};
  }
  if (!result.ok || !result.measurements) {
    await finishRun(run, {status: "failed", rows_written: 0, error: result.error ?? "no measurements"}, {root});
    throw new UserError(`roofline: the measurement failed: ${result.error ?? "no measurements"}`, {hint: "Run `inferscope profile roofline` again; `inferscope host` shows whether onnxruntime-node works here."});
  }
  const rows: RooflineRow[] = result.measurements.map((m) => ({metric: m.metric, method: m.method, threads: m.threads, unit: m.unit, work: m.work, samples_ms: m.samples_ms, ...rates(m)}));
  await appendRows(rooflineHost, rows, run, {root});
  await finishRun(run, {status: "ok", rows_written: rows.length}, {root});
  for (const r of rows) log(`  ${r.metric === "compute" ? "peak compute" : "bandwidth"}, ${r.threads} thread${r.threads > 1 ? "s" : ""}: ${r.best.toFixed(1)} ${r.unit} best, ${r.median.toFixed(1)} median (${r.method})`);
  return {rows: await storedRoofline({root}), measured: true};
}
