// Profiling: each unit alone, at every grid size (sizes.ts) and a few held-out sizes, warm-up until
// stable then repeated timed runs (median). Units are profiled one after another, never at the same
// time, as the reference study did: the table predicts each unit undisturbed, and `partition run`
// then shows how far parallel execution on shared cores departs from that.

import {median} from "d3-array";
import {loadavg} from "node:os";
import {measure, type MeasureOptions} from "../bench/measure.ts";
import type {OptLevel} from "../bench/config.ts";
import {Progress} from "../common/progress.ts";
import type {partitionProfiles} from "../store/datasets.ts";
import type {RowOf} from "../store/schema.ts";
import type {UnitProcess} from "./pool.ts";
import {holdoutSizes, profileSizes} from "./sizes.ts";
import {timeAt, unitCurve, type UnitCurve} from "./table.ts";

export type ProfileRow = RowOf<typeof partitionProfiles>;

export interface ProfileOptions {
  model: string;
  optLevel: OptLevel;
  maxBatch: number;
  runs: number;
  /** Held-out sizes to measure for the interpolation check. */
  holdout: number;
  signal?: AbortSignal;
}

export interface ProfileOutcome {
  rows: ProfileRow[];
  /** Units with no usable measurement (the planners will refuse them), with why. */
  failed: {unit: string; error: string}[];
  cancelled: boolean;
}

/** Warm-up for the first size a unit runs: WASM needs 10+ runs while V8 tiers up its code. */
export function firstWarmup(kind: string): MeasureOptions {
  return {minWarmup: kind === "wasm" ? 10 : 5, maxWarmup: 60, maxWarmupMs: 30_000};
}

/**
 * Before anything is timed, run batch 1 for a while: V8 swaps optimized WASM code in by time as
 * much as by count, so a tiny model needs more than 10 runs; then warm-up until stable follows.
 */
export async function prewarm(proc: UnitProcess, signal?: AbortSignal): Promise<void> {
  const [minRuns, minMs] = proc.unit.kind === "wasm" ? [10, 1_500] : [3, 300];
  await proc.prepare(1);
  const start = performance.now();
  for (let n = 0; n < 200 && (n < minRuns || performance.now() - start < minMs); n++) {
    signal?.throwIfAborted();
    await proc.request({op: "run", batch: 1});
  }
}

/** Warm-up for later sizes: the session is warm, only the new shapes need a run or two. */
export const NEXT_WARMUP: MeasureOptions = {minWarmup: 1, window: 2, tolerance: 0.1, maxWarmup: 10, maxWarmupMs: 2_000};

export async function profileUnits(procs: readonly UnitProcess[], o: ProfileOptions): Promise<ProfileOutcome> {
  const grid = profileSizes(o.maxBatch);
  const held = holdoutSizes(o.maxBatch, o.holdout);
  const sizes = [...grid, ...held].sort((a, b) => a - b);
  const units = procs.map((p) => p.unit.label).join(",");
  const progress = new Progress({total: procs.length * sizes.length, label: "partition profile"});
  const rows: ProfileRow[] = [];
  const failed: {unit: string; error: string}[] = [];
  let cancelled = false;

  for (const proc of procs) {
    const u = proc.unit;
    let broken: string | null = null;
    try {
      await prewarm(proc, o.signal);
    } catch (error) {
      if (o.signal?.aborted) {
        cancelled = true;
        break;
      }
      broken = (error as Error).message;
    }
    for (const [i, batch] of sizes.entries()) {
      if (o.signal?.aborted) {
        cancelled = true;
        break;
      }
      const kind = grid.includes(batch) ? "grid" : "holdout";
      if (broken) {
        progress.finish();
        continue;
      }
      progress.start(`${u.label} batch ${batch}${kind === "holdout" ? " (held out)" : ""}`);
      const compute: number[] = [];
      try {
        await proc.prepare(batch);
        const m = await measure(
          async () => {
            const r = await proc.request({op: "run", batch});
            compute.push(r.ms ?? NaN);
          },
          {runs: o.runs, signal: o.signal, ...(i === 0 ? firstWarmup(u.kind) : NEXT_WARMUP)}
        );
        const med = median(m.samples_ms)!;
        rows.push({
          model: o.model,
          opt_level: o.optLevel,
          units,
          unit: u.label,
          runtime: u.runtime,
          threads: u.threads,
          cores: u.cores,
          max_batch: o.maxBatch,
          batch,
          row_kind: kind,
          median_ms: med,
          compute_median_ms: median(compute.slice(-o.runs)) ?? null,
          runs: m.samples_ms.length,
          warmup_runs: m.warmup_runs,
          samples_ms: m.samples_ms,
          session_create_ms: proc.session_create_ms,
          load_1m: loadavg()[0],
          imported: false,
          source_file: null
        });
        progress.finish(`median ${med.toFixed(2)} ms (${(med / batch).toFixed(2)} ms per item) over ${m.samples_ms.length} runs, ${m.warmup_runs} warm-up`);
      } catch (error) {
        if (o.signal?.aborted) {
          cancelled = true;
          break;
        }
        // Like the reference, a size that fails ends the unit's profile: larger ones would too
        // (typically memory). Smaller sizes already measured stay in the table.
        broken = (error as Error).message;
        progress.finish(`FAILED: ${broken}; ${u.label} is not profiled beyond batch ${batch - 1}`);
      }
    }
    if (cancelled) break;
    if (!rows.some((r) => r.unit === u.label && r.row_kind === "grid")) failed.push({unit: u.label, error: broken ?? "no size was measured"});
  }
  return {rows: withModel(rows), failed, cancelled};
}

/** Fill model_ms on grid rows and the interpolation check on held-out rows. */
export function withModel(rows: ProfileRow[]): ProfileRow[] {
  const curves = new Map<string, UnitCurve>();
  for (const unit of new Set(rows.map((r) => r.unit))) {
    const grid = rows.filter((r) => r.unit === unit && r.row_kind === "grid").map((r) => ({batch: r.batch, ms: r.median_ms}));
    if (grid.length) curves.set(unit, unitCurve(unit, grid));
  }
  return rows.map((r) => {
    const c = curves.get(r.unit);
    if (!c) return r;
    if (r.row_kind === "grid") return {...r, model_ms: timeAt(c, r.batch)};
    const predicted = timeAt(c, r.batch);
    return {...r, predicted_ms: predicted, error_pct: (100 * (predicted - r.median_ms)) / r.median_ms};
  });
}

/** One line per unit: the interpolation error at held-out sizes. */
export function holdoutSummary(rows: readonly ProfileRow[]): string[] {
  const out: string[] = [];
  for (const unit of new Set(rows.map((r) => r.unit))) {
    const h = rows.filter((r) => r.unit === unit && r.row_kind === "holdout" && r.error_pct != null);
    if (h.length) out.push(`  ${unit}: interpolation error at held-out sizes ${h.map((r) => `${r.batch}: ${r.error_pct! >= 0 ? "+" : ""}${r.error_pct!.toFixed(1)}%`).join(", ")}`);
  }
  if (out.length === 0) out.push("  (no held-out sizes: --max-batch is too small to leave a size out between profiled ones)");
  return out;
}
