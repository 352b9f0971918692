// The performance table: for each unit, measured time (ms) at some batch sizes, and the time model
// every planner uses at any other size.
//
//   t(0) = 0                       a unit given no items is not run at all
//   t(b) at a profiled size        the median measured there (after the monotone fix below)
//   between two profiled sizes     linear interpolation between the two nearest ones
//   beyond the largest size        linear extrapolation from the last two sizes; if they are equal
//                                  (a flat tail), the per-item time of the largest size instead
//   below the smallest size        linear extrapolation from the first two sizes, but never less than
//                                  the per-item time of the smallest size times the share
//   one profiled size only         proportional: t(b) = t(b0) * b / b0
//
// Monotone fix: a median lower than one at a smaller batch (noise, or a kernel that happens to suit
// that shape) is raised to the running maximum, so the model never says more items take less time.
// The planners rely on t being non-decreasing; the raw medians are kept alongside (raw_ms).

import {UserError} from "../common/errors.ts";

export interface TablePoint {
  batch: number;
  ms: number;
}

export interface UnitCurve {
  unit: string;
  /** Profiled batch sizes, ascending, unique. */
  batches: Float64Array;
  /** Model time at those sizes: the running maximum of raw_ms. */
  ms: Float64Array;
  /** Medians as measured. */
  raw_ms: Float64Array;
}

/** Median of a non-empty list. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function unitCurve(unit: string, points: readonly TablePoint[], {source = "the performance table"}: {source?: string} = {}): UnitCurve {
  const usable = points.filter((p) => Number.isFinite(p.ms) && p.ms > 0 && Number.isInteger(p.batch) && p.batch > 0);
  if (usable.length === 0) {
    throw new UserError(`unit '${unit}' has no measured times in ${source}: cannot predict its time at any batch size`, {
      hint: "Profile it (inferscope partition profile --units ...), add rows for it to the table, or leave it out with --units"
    });
  }
  // Repeated sizes (e.g. an imported table with several runs) are merged by their median.
  const bySize = new Map<number, number[]>();
  for (const p of usable) bySize.set(p.batch, [...(bySize.get(p.batch) ?? []), p.ms]);
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const raw = sizes.map((b) => median(bySize.get(b)!));
  const ms = new Float64Array(raw.length);
  let running = 0;
  raw.forEach((v, i) => (ms[i] = running = Math.max(running, v)));
  return {unit, batches: Float64Array.from(sizes), ms, raw_ms: Float64Array.from(raw)};
}

/** Predicted time (ms) of `curve`'s unit running `batch` items. */
export function timeAt(curve: UnitCurve, batch: number): number {
  if (batch <= 0) return 0;
  const {batches: b, ms: m} = curve;
  const n = b.length;
  if (n === 1) return (m[0] * batch) / b[0];
  if (batch >= b[n - 1]) {
    if (batch === b[n - 1]) return m[n - 1];
    let slope = (m[n - 1] - m[n - 2]) / (b[n - 1] - b[n - 2]);
    if (!(slope > 0)) slope = m[n - 1] / b[n - 1];
    return m[n - 1] + (batch - b[n - 1]) * slope;
  }
  if (batch <= b[0]) {
    if (batch === b[0]) return m[0];
    const slope = (m[1] - m[0]) / (b[1] - b[0]);
    return Math.max(m[0] + (batch - b[0]) * slope, (m[0] * batch) / b[0]);
  }
  // Binary search for the segment b[lo] < batch <= b[hi].
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (b[mid] < batch) lo = mid;
    else hi = mid;
  }
  if (batch === b[hi]) return m[hi];
  return m[lo] + ((batch - b[lo]) * (m[hi] - m[lo])) / (b[hi] - b[lo]);
}

/** Which rule produced timeAt(curve, batch): for reports. */
export function timeRule(curve: UnitCurve, batch: number): "none" | "measured" | "interpolated" | "extrapolated" {
  if (batch <= 0) return "none";
  const {batches: b} = curve;
  if (b.includes(batch)) return "measured";
  return batch > b[0] && batch < b[b.length - 1] ? "interpolated" : "extrapolated";
}

/** A set of unit curves for planning. */
export class PerfTable {
  readonly curves: readonly UnitCurve[];
  constructor(curves: readonly UnitCurve[]) {
    if (curves.length === 0) throw new UserError("the performance table has no units", {hint: "Profile at least one unit first"});
    const names = new Set<string>();
    for (const c of curves) {
      if (names.has(c.unit)) throw new Error(`unit '${c.unit}' appears twice in the performance table`);
      names.add(c.unit);
    }
    this.curves = curves;
  }

  /** Build from rows; every unit named in `units` (default: those in the rows) must have data. */
  static fromPoints(rows: readonly (TablePoint & {unit: string})[], {units, source}: {units?: readonly string[]; source?: string} = {}): PerfTable {
    const byUnit = new Map<string, TablePoint[]>();
    for (const r of rows) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), r]);
    const names = units ?? [...byUnit.keys()];
    return new PerfTable(names.map((u) => unitCurve(u, byUnit.get(u) ?? [], {source})));
  }

  get units(): string[] {
    return this.curves.map((c) => c.unit);
  }

  time(unit: number, batch: number): number {
    return timeAt(this.curves[unit], batch);
  }

  /** Makespan of a split: the slowest unit's predicted time. */
  makespan(shares: readonly number[]): number {
    let worst = 0;
    shares.forEach((s, u) => (worst = Math.max(worst, this.time(u, s))));
    return worst;
  }

  /** Only the named units, in that order (a unit not in the table is refused). */
  select(units: readonly string[], source = "the performance table"): PerfTable {
    return new PerfTable(
      units.map((u) => {
        const c = this.curves.find((x) => x.unit === u);
        if (!c) {
          throw new UserError(`unit '${u}' has no measured times in ${source}`, {hint: `Units with data: ${this.units.join(", ")}`});
        }
        return c;
      })
    );
  }
}
