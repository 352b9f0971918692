// `inferscope profile`: runs each configuration in its own child process (child.ts), reads the
// profile ORT wrote (one op_profiles row per node per run, warm-ups included and marked by
// op_profile_runs.warmup_runs), joins the optimized graph for fused domains and activations, derives
// the fusion map against the graph at level 'disabled' with per-node FLOPs, and writes op_profiles,
// fusion_maps and op_profile_runs rows plus the run record. Ctrl-C stops after killing the
// configuration in flight; finished ones are kept and written.

import {execa} from "execa";
import {statSync} from "node:fs";
import {copyFile, mkdir, mkdtemp, readFile, rm} from "node:fs/promises";
import os from "node:os";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {median} from "d3-array";
import {formatDuration, log, Progress} from "../common/progress.ts";
import {ortNodeInfo, readOrtProfile} from "../formats/ort-profile/index.ts";
import {readModel} from "../models/onnx.ts";
import {validateOpRows, type OpProfileRow} from "../ops/profile-rows.ts";
import {fusionMaps, opProfileRuns, opProfiles} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import {appendRows, finishRun, newRun, type Run} from "../store/store.ts";
import {fusionMap} from "./fusion.ts";
import {graphView, type GraphView} from "./graph.ts";
import {nodeFlops} from "./node-costs.ts";
import {describeProfile} from "./plan.ts";
import {PROFILE_RESULT_MARK, type ChildJob, type ProfileChildResult, type ProfileConfig} from "./protocol.ts";

export type ProfileRunRow = RowOf<typeof opProfileRuns>;
export type FusionRow = RowOf<typeof fusionMaps>;

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/** Run a child job; null when cancelled. */
export async function runChild<R extends {ok: boolean; error?: string}>(job: ChildJob, {signal, timeoutMs, threads}: {signal?: AbortSignal; timeoutMs: number; threads: number}): Promise<R | null> {
  const child = await execa(process.execPath, ["--import", TSX, CHILD, JSON.stringify(job)], {
    reject: false,
    cancelSignal: signal,
    timeout: timeoutMs,
    env: {OMP_NUM_THREADS: String(threads)},
    stdin: "ignore"
  });
  if (child.isCanceled || signal?.aborted) return null;
  const line = String(child.stdout).split("\n").find((l) => l.startsWith(PROFILE_RESULT_MARK));
  if (line) return JSON.parse(line.slice(PROFILE_RESULT_MARK.length + 1)) as R;
  let error: string;
  if (child.timedOut) error = `timed out after ${formatDuration(timeoutMs)} (raise --timeout to allow longer)`;
  else if (child.signal) error = `child process crashed (${child.signal})${String(child.stderr).trim() ? `: ${String(child.stderr).trim().split("\n").slice(-2).join(" ")}` : ""}`;
  else error = `child process exited with code ${child.exitCode}: ${String(child.stderr).trim().split("\n").slice(-3).join(" ") || "no output"}`;
  return {ok: false, error} as R;
}

/** The name a profile is stored under (op_profiles.source_file): says which configuration it is. */
export function profileLabel(c: ProfileConfig): string {
  return `profile_${c.model}_${c.runtime}_${c.opt_level}_t${c.threads}_b${c.batch}.json`;
}

/**
 * ort-wasm's graph comes from onnxruntime-node (see child.ts): use it only if it has exactly the nodes
 * the WASM profile timed, with the same op types. Returns why not, or null when it matches.
 */
export function graphMismatch(rows: readonly OpProfileRow[], graph: GraphView): string | null {
  const ops = new Map(graph.nodes.map((n) => [n.name, n.op_type]));
  const profiled = new Map(rows.filter((r) => r.scope === "node").map((r) => [r.node_name, r.op_type]));
  const missing = [...profiled].filter(([name, op]) => ops.get(name) !== op);
  const extra = [...ops.keys()].filter((name) => !profiled.has(name));
  if (missing.length === 0 && extra.length === 0) return null;
  const first = missing[0] ? `${missing[0][0]} (${missing[0][1]})` : extra[0];
  return `the WASM profile's nodes differ from onnxruntime-node's graph at this level (${missing.length} profiled nodes not in it, ${extra.length} graph nodes not profiled; e.g. ${first})`;
}

export function fusionRows(c: ProfileConfig, sourceFile: string, base: GraphView, optimized: GraphView, flops: Map<string, number | null>, graphSource: string): FusionRow[] {
  const fm = fusionMap(base, optimized);
  return fm.entries.map((e) => {
    const costs = e.original_nodes.map((n) => flops.get(n));
    return {
      model: c.model,
      runtime: c.runtime,
      opt_level: c.opt_level,
      batch: c.batch,
      source_file: sourceFile,
      node_name: e.node_name,
      op_type: e.op_type,
      fused_domain: e.domain,
      fused_activation: e.activation,
      kind: e.kind,
      original_ops: e.original_ops.length ? e.original_ops.join("+") : null,
      original_nodes: JSON.stringify(e.original_nodes),
      original_count: e.original_nodes.length,
      flops: costs.some((f) => f === null || f === undefined) ? null : costs.reduce<number>((a, f) => a + (f as number), 0),
      graph_source: graphSource
    };
  });
}

/** Median over the profiled runs (run_index >= warmup) of the summed node time, ms. */
export function opTimeMedianMs(rows: readonly OpProfileRow[], warmup: number): number | null {
  const perRun = new Map<number, number>();
  for (const r of rows) {
    if (r.scope !== "node" || r.run_index === null || r.run_index === undefined || r.run_index < warmup) continue;
    perRun.set(r.run_index, (perRun.get(r.run_index) ?? 0) + r.duration_us * r.executions);
  }
  return perRun.size ? median([...perRun.values()])! / 1000 : null;
}

export interface ProfileOutcome {
  run: Run;
  status: "ok" | "cancelled";
  configs: ProfileRunRow[];
  opRows: number;
  fusionRows: number;
}

interface Collected {
  runs: ProfileRunRow[];
  ops: OpProfileRow[];
  fusion: FusionRow[];
}

/** The graph at level 'disabled' of each model file (the fusion maps' reference), read once per file. */
class BaseGraphs {
  private readonly paths = new Map<string, string>();
  private readonly read = new Map<string, {graph: GraphView; flops: Map<string, number | null>}>();

  has(modelFile: string): boolean {
    return this.paths.has(modelFile);
  }

  set(modelFile: string, path: string): void {
    if (!this.paths.has(modelFile)) this.paths.set(modelFile, path);
  }

  async get(modelFile: string, batch: number): Promise<{graph: GraphView; flops: Map<string, number | null>} | null> {
    const path = this.paths.get(modelFile);
    if (!path) return null;
    const key = `${modelFile}\u0000${batch}`;
    let got = this.read.get(key);
    if (!got) {
      const model = readModel(new Uint8Array(await readFile(path)), path);
      this.read.set(key, (got = {graph: graphView(model), flops: nodeFlops(model, {batch})}));
    }
    return got;
  }
}

type ProfileResult = {row: ProfileRunRow; ops: OpProfileRow[]; fusion: FusionRow[]; note?: string};

async function profileOne(
  c: ProfileConfig,
  dir: string,
  device: string,
  bases: BaseGraphs,
  {signal, timeoutMs, keepDir}: {signal?: AbortSignal; timeoutMs: number; keepDir?: string}
): Promise<ProfileResult | null> {
  const saveBase = !bases.has(c.model_file) && c.opt_level !== "disabled";
  const result = await runChild<ProfileChildResult>({kind: "profile", config: c, out_dir: dir, save_base: saveBase}, {signal, timeoutMs, threads: c.threads});
  if (!result) return null;
  const row: ProfileRunRow = {
    model: c.model,
    model_file: c.model_file,
    runtime: c.runtime,
    device,
    opt_level: c.opt_level,
    threads: c.threads,
    batch: c.batch,
    status: "failed",
    warmup_runs: c.warmup,
    runs: c.runs,
    fusion_status: "not written: the configuration failed"
  };
  if (!result.ok || !result.profile_file || !result.optimized_file) return {row: {...row, error: result.error ?? "the child wrote no profile"}, ops: [], fusion: []};
  if (result.base_file) bases.set(c.model_file, result.base_file);
  if (c.opt_level === "disabled") bases.set(c.model_file, result.optimized_file);
  try {
    return await readResult(c, result, row, bases, keepDir);
  } catch (error) {
    // A profile or graph that cannot be read costs this configuration only, like a crash would.
    return {row: {...row, error: `reading what ONNX Runtime wrote: ${(error as Error).message.split("\n")[0]}`}, ops: [], fusion: []};
  }
}

async function readResult(c: ProfileConfig, result: ProfileChildResult, row: ProfileRunRow, bases: BaseGraphs, keepDir: string | undefined): Promise<ProfileResult> {
  const label = profileLabel(c);
  let sourceFile = label;
  if (keepDir) {
    await mkdir(keepDir, {recursive: true});
    sourceFile = join(keepDir, label);
    await copyFile(result.profile_file!, sourceFile);
  }
  const optimizedBytes = new Uint8Array(await readFile(result.optimized_file!));
  const meta = {model: c.model, runtime: c.runtime, device: row.device, opt_level: c.opt_level, source: "local" as const, source_file: sourceFile};
  const parsed = await readOrtProfile(result.profile_file!, meta, {nodes: ortNodeInfo(optimizedBytes, result.optimized_file)});
  for (const line of parsed.diagnostics.format(label)) log(`  ${line}`);
  validateOpRows(parsed.rows);
  const expectedRuns = c.warmup + c.runs;
  if (parsed.runs !== expectedRuns) log(`  note: the profile holds ${parsed.runs} runs, expected ${expectedRuns}`);

  const optimized = graphView(readModel(optimizedBytes, result.optimized_file));
  let fusion: FusionRow[] = [];
  let fusionStatus = "ok";
  const mismatch = c.runtime === "ort-wasm" ? graphMismatch(parsed.rows, optimized) : null;
  const base = mismatch ? null : await bases.get(c.model_file, c.batch);
  if (mismatch) fusionStatus = `not written: ${mismatch}`;
  else if (!base) fusionStatus = "not written: no graph at level 'disabled' was saved";
  else fusion = fusionRows(c, sourceFile, base.graph, optimized, base.flops, result.graph_source ?? "");
  const samples = result.samples_ms ?? [];
  return {
    row: {
      ...row,
      status: "ok",
      error: null,
      source_file: sourceFile,
      node_rows: parsed.rows.length,
      session_create_ms: result.session_create_ms ?? null,
      median_ms: samples.length ? median(samples)! : null,
      samples_ms: samples,
      op_time_median_ms: opTimeMedianMs(parsed.rows, c.warmup),
      fusion_status: fusionStatus,
      graph_source: result.graph_source ?? null
    },
    ops: parsed.rows,
    fusion,
    note: fusionStatus === "ok" ? undefined : fusionStatus
  };
}

/** Rough relative cost of a configuration, for the time-left estimate only: the model file's size stands in for its FLOPs. */
function expectedWork(c: ProfileConfig): number {
  let mb = 10;
  try {
    mb = statSync(c.model_file).size / 2 ** 20;
  } catch {
    // a missing file fails in the child; any estimate will do
  }
  const perRun = (mb / 10) * (c.runtime === "ort-wasm" ? 6 : 1) * (c.opt_level === "disabled" ? 2 : 1) / Math.sqrt(c.threads);
  return perRun * (c.runs + c.warmup) + 2 + mb / 20;
}

export async function runProfiles(
  configs: ProfileConfig[],
  {root, signal, timeoutMs = 600_000, devices = {}, keepProfiles, run = newRun("profile", {configs})}: {
    root?: string;
    signal?: AbortSignal;
    timeoutMs?: number;
    devices?: Partial<Record<string, string>>;
    /** Keep the profile files under this folder (<folder>/<run_id>/...). */
    keepProfiles?: string;
    run?: Run;
  } = {}
): Promise<ProfileOutcome> {
  const scratch = await mkdtemp(join(os.tmpdir(), "inferscope-profile-"));
  const collected: Collected = {runs: [], ops: [], fusion: []};
  const bases = new BaseGraphs();
  const progress = new Progress({total: configs.length, label: "profile", work: configs.map(expectedWork)});
  try {
    for (const [i, c] of configs.entries()) {
      if (signal?.aborted) break;
      progress.start(describeProfile(c));
      const dir = join(scratch, String(i));
      await mkdir(dir);
      const got = await profileOne(c, dir, devices[c.runtime] ?? "cpu", bases, {signal, timeoutMs, keepDir: keepProfiles ? resolve(keepProfiles, run.run_id) : undefined});
      if (!got) break;
      collected.runs.push(got.row);
      collected.ops.push(...got.ops);
      collected.fusion.push(...got.fusion);
      const r = got.row;
      progress.finish(
        r.status === "ok"
          ? `${r.runs} profiled runs after ${r.warmup_runs} warm-up: median ${r.median_ms!.toFixed(2)} ms per run, operators ${r.op_time_median_ms?.toFixed(2) ?? "?"} ms; ${got.ops.filter((o) => o.run_index === c.warmup).length} nodes${got.note ? `; fusion map ${got.note}` : `, fusion map of ${got.fusion.length} entries`}`
          : `FAILED: ${r.error}`
      );
    }
    const status = signal?.aborted ? "cancelled" : "ok";
    await appendRows(opProfiles, collected.ops, run, {root});
    await appendRows(fusionMaps, collected.fusion, run, {root});
    await appendRows(opProfileRuns, collected.runs, run, {root});
    const rows = collected.ops.length + collected.fusion.length + collected.runs.length;
    await finishRun(run, {status, rows_written: rows, error: status === "cancelled" ? `cancelled after ${collected.runs.length} of ${configs.length} configurations` : null}, {root});
    return {run, status, configs: collected.runs, opRows: collected.ops.length, fusionRows: collected.fusion.length};
  } catch (error) {
    await finishRun(run, {status: "failed", rows_written: 0, error: (error as Error).message}, {root}).catch(() => {});
    throw error;
  } finally {
    await rm(scratch, {recursive: true, force: true});
  }
}

