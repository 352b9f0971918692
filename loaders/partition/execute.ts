// `partition run`: executes planned splits for real and measures them against their predictions and
// against each unit running the whole batch alone.
//
// Every configuration (each unit alone on B, each --baseline unit alone on B, each distinct planned
// split) is warmed up until stable, then the timed repetitions go round-robin over configurations,
// so drifting load from other processes on the machine hits them all alike rather than the last one.

import {median, quantile} from "d3-array";
import {loadavg} from "node:os";
import {measure} from "../bench/measure.ts";
import {Progress} from "../common/progress.ts";
import type {partitionRuns} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import type {PlanSet} from "./plan.ts";
import {runSplit, type SplitTiming, type UnitProcess} from "./pool.ts";
import {firstWarmup, prewarm} from "./profile.ts";
import type {PerfTable} from "./table.ts";

export type RunRow = RowOf<typeof partitionRuns>;

interface Config {
  key: string;
  kind: "split" | "single" | "baseline";
  /** Items per process (set units, then baseline units). */
  shares: number[];
  warmup_runs: number;
  samples: SplitTiming[];
}

export interface ExecuteOptions {
  model: string;
  optLevel: string;
  batch: number;
  runs: number;
  profileRunId: string;
  signal?: AbortSignal;
}

export interface ExecuteOutcome {
  rows: RunRow[];
  cancelled: boolean;
  /** One line per configuration, for the command's report. */
  summary: {key: string; kind: string; measured_as: string; shares: number[]; predicted_ms: number | null; median_ms: number; p90_ms: number; error_pct: number | null; reduction_pct: number | null}[];
  best_single: {unit: string; ms: number};
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function executePlans(setProcs: readonly UnitProcess[], baselineProcs: readonly UnitProcess[], table: PerfTable, plans: PlanSet, o: ExecuteOptions): Promise<ExecuteOutcome> {
  const procs = [...setProcs, ...baselineProcs];
  const B = o.batch;
  const configs: Config[] = [];
  const add = (key: string, kind: Config["kind"], shares: number[]) => {
    const found = configs.find((c) => same(c.shares, shares));
    if (found) return found.key;
    configs.push({key, kind, shares, warmup_runs: 0, samples: []});
    return key;
  };
  const zeros = () => procs.map(() => 0);
  setProcs.forEach((p, i) => add(`single ${p.unit.label}`, "single", zeros().map((_, j) => (j === i ? B : 0))));
  baselineProcs.forEach((p, i) => add(`baseline ${p.unit.label}`, "baseline", zeros().map((_, j) => (j === setProcs.length + i ? B : 0))));
  const measuredAs = new Map<string, string>();
  for (const plan of plans.plans) measuredAs.set(plan.planner, add(plan.planner, "split", [...plan.shares, ...baselineProcs.map(() => 0)]));

  // Cold units (a table from the store, no profile just now) need the first-run warm-up, WASM most.
  for (const p of procs) {
    try {
      await prewarm(p, o.signal);
      await measure(() => p.request({op: "run", batch: 1}), {runs: 0, signal: o.signal, ...firstWarmup(p.unit.kind)});
    } catch (error) {
      if (!o.signal?.aborted) throw error;
    }
  }
  const progress = new Progress({total: configs.length + o.runs, label: "partition run"});
  let cancelled = false;
  let load: number | null = null;
  try {
    for (const c of configs) {
      progress.start(`warm-up: ${c.key} (${c.kind === "split" ? `split ${c.shares.slice(0, setProcs.length).join("/")}` : `${B} items`})`);
      await Promise.all(procs.map((p, i) => (c.shares[i] > 0 ? p.prepare(c.shares[i]) : null)));
      const m = await measure(() => runSplit(procs, c.shares), {runs: 0, signal: o.signal, minWarmup: 2, window: 2, tolerance: 0.1, maxWarmup: 15, maxWarmupMs: 5_000});
      c.warmup_runs = m.warmup_runs;
      progress.finish(`${m.warmup_runs} warm-up runs`);
    }
    load = loadavg()[0];
    for (let r = 0; r < o.runs; r++) {
      o.signal?.throwIfAborted();
      progress.start(`repetition ${r + 1}/${o.runs} of ${configs.length} configurations`);
      for (const c of configs) {
        o.signal?.throwIfAborted();
        c.samples.push(await runSplit(procs, c.shares));
      }
      progress.finish(configs.map((c) => `${c.key} ${c.samples.at(-1)!.makespan_ms.toFixed(1)}`).join(", "));
    }
  } catch (error) {
    if (!o.signal?.aborted) throw error;
    cancelled = true;
  }

  // Only configurations with every repetition count (a cancelled run keeps complete rounds only).
  const rounds = Math.min(...configs.map((c) => c.samples.length));
  for (const c of configs) c.samples = c.samples.slice(0, rounds);
  if (rounds === 0) return {rows: [], cancelled: true, summary: [], best_single: {unit: "", ms: NaN}};

  const stat = (c: Config) => {
    const ms = c.samples.map((s) => s.makespan_ms);
    return {samples: ms, median: median(ms)!, p90: quantile(ms, 0.9)!};
  };
  const singleOf = (i: number) => configs.find((c) => c.shares[i] === B && c.shares.every((s, j) => j === i || s === 0))!;
  let best = {unit: setProcs[0].unit.label, ms: Infinity};
  setProcs.forEach((p, i) => {
    const ms = stat(singleOf(i)).median;
    if (ms < best.ms) best = {unit: p.unit.label, ms};
  });
  const units = setProcs.map((p) => p.unit.label).join(",");
  const base = {model: o.model, opt_level: o.optLevel, batch: B, units, best_single_unit: best.unit, best_single_ms: best.ms, runs: rounds, load_1m: load, profile_run_id: o.profileRunId};
  const perUnit = (c: Config, i: number) => {
    const xs = c.samples.map((s) => s.unit_ms[i]).filter((x): x is number => x !== null);
    const cs = c.samples.map((s) => s.compute_ms[i]).filter((x): x is number => x !== null);
    return xs.length ? {unit_median_ms: median(xs)!, unit_samples_ms: xs, compute_median_ms: cs.length ? median(cs)! : null} : {unit_median_ms: null, unit_samples_ms: null, compute_median_ms: null};
  };
  const err = (measured: number, predicted: number | null) => (predicted ? (100 * (measured - predicted)) / predicted : null);
  const rows: RunRow[] = [];
  const summary: ExecuteOutcome["summary"] = [];

  setProcs.forEach((p, i) => {
    const c = singleOf(i);
    const s = stat(c);
    const predicted = table.time(i, B);
    rows.push({...base, row_kind: "single", planner: null, measured_as: c.key, unit: p.unit.label, share: B, predicted_ms: predicted, ...perUnit(c, i), predicted_makespan_ms: predicted, makespan_median_ms: s.median, makespan_p90_ms: s.p90, makespan_samples_ms: s.samples, prediction_error_pct: err(s.median, predicted), reduction_pct: null, warmup_runs: c.warmup_runs});
    summary.push({key: `single ${p.unit.label}`, kind: "single", measured_as: c.key, shares: c.shares.slice(0, setProcs.length), predicted_ms: predicted, median_ms: s.median, p90_ms: s.p90, error_pct: err(s.median, predicted), reduction_pct: null});
  });
  baselineProcs.forEach((p, k) => {
    const i = setProcs.length + k;
    const c = configs.find((x) => x.key === `baseline ${p.unit.label}`)!;
    const s = stat(c);
    rows.push({...base, row_kind: "baseline", planner: null, measured_as: c.key, unit: p.unit.label, share: B, predicted_ms: null, ...perUnit(c, i), predicted_makespan_ms: null, makespan_median_ms: s.median, makespan_p90_ms: s.p90, makespan_samples_ms: s.samples, prediction_error_pct: null, reduction_pct: null, warmup_runs: c.warmup_runs});
    summary.push({key: `baseline ${p.unit.label}`, kind: "baseline", measured_as: c.key, shares: [], predicted_ms: null, median_ms: s.median, p90_ms: s.p90, error_pct: null, reduction_pct: null});
  });
  for (const plan of plans.plans) {
    const key = measuredAs.get(plan.planner)!;
    const c = configs.find((x) => x.key === key)!;
    const s = stat(c);
    const reduction = 100 * (1 - s.median / best.ms);
    setProcs.forEach((p, i) => {
      rows.push({...base, row_kind: "split", planner: plan.planner, measured_as: key, unit: p.unit.label, share: plan.shares[i], predicted_ms: plan.unit_ms[i], ...perUnit(c, i), predicted_makespan_ms: plan.makespan_ms, makespan_median_ms: s.median, makespan_p90_ms: s.p90, makespan_samples_ms: s.samples, prediction_error_pct: err(s.median, plan.makespan_ms), reduction_pct: reduction, warmup_runs: c.warmup_runs});
    });
    summary.push({key: plan.planner, kind: "split", measured_as: key, shares: plan.shares, predicted_ms: plan.makespan_ms, median_ms: s.median, p90_ms: s.p90, error_pct: err(s.median, plan.makespan_ms), reduction_pct: reduction});
  }
  return {rows, cancelled, summary, best_single: best};
}
