// Per (model, version, frontend): the request count and, for each interval, the mean, p50, p90 and
// p99 in microseconds.
//
// Means are computed the way trace_summary.py computes its averages, so they are equal on the same
// file: the sum of the interval over the requests that have it, divided by the count of all counted
// requests of the group (a request missing an interval adds 0), and the two overheads from those
// sums (infer - request - receive - send; request - queue - compute). Sums are exact integers of ns.
// An interval no request of the group has is null (trace_summary.py does not print it).
//
// Differences from trace_summary.py, on purpose: requests that came through no frontend (C API) form
// their own group with frontend null instead of being left out; several files are summed together
// (trace_summary.py reports each file on its own); an interval whose end precedes its start is left
// out and counted as a diagnostic instead of aborting.
//
// Percentiles are over the requests that have the interval, by linear interpolation between the two
// nearest ranks (numpy.percentile's default). Each group keeps its interval values in typed arrays
// (8 bytes per value) to rank them at the end.

import type {Diagnostics} from "../common/diagnostics.ts";
import {counted, I, INTERVAL_COUNT, INTERVALS, intervalsOf, type Interval} from "./intervals.ts";
import type {Protocol} from "./names.ts";
import type {TritonRequest} from "./requests.ts";

export type IntervalStats = Record<Interval, number | null>;

export interface ModelSummary {
  model: string;
  version: number;
  frontend: Protocol | null;
  count: number;
  mean_us: IntervalStats;
  p50_us: IntervalStats;
  p90_us: IntervalStats;
  p99_us: IntervalStats;
}

class Values {
  data = new Float64Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Rearrange a so that a[k] is the k-th smallest, smaller ones before it and larger after (Hoare's select). */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    let x = a[lo];
    let y = a[mid];
    let z = a[hi];
    if (x > y) [x, y] = [y, x];
    if (y > z) y = z < x ? x : z;
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** The k-th smallest value (0-based), rearranging `a` in place; linear time on average. */
export function kth(a: Float64Array, k: number): number {
  select(a, k, 0, a.length - 1);
  return a[k];
}

interface Group {
  model: string;
  version: number;
  frontend: Protocol | null;
  count: number;
  sums: Float64Array;
  has: Uint8Array;
  values: Values[];
}

/** Linear-interpolation percentile (numpy's default); p in [0, 100]. Rearranges `values`. */
export function percentile(values: Float64Array, p: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const pos = ((n - 1) * p) / 100;
  const lo = Math.floor(pos);
  const a = kth(values, lo);
  if (lo + 1 >= n || pos === lo) return a;
  // After select, everything past lo is >= a[lo]: the next rank is their minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
  return a + (b - a) * (pos - lo);
}

const BASIC = [I.infer, I.receive, I.send, I.request, I.queue, I.compute, I.compute_input, I.compute_infer, I.compute_output];

export class TraceSummary {
  private readonly groups = new Map<string, Group>();
  private readonly scratch = new Float64Array(INTERVAL_COUNT);

  constructor(private readonly diagnostics?: Diagnostics) {}

  add(r: TritonRequest): void {
    if (!counted(r.ts)) return;
    const key = `${r.model}\u0000${r.version}\u0000${r.frontend ?? ""}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = {
        model: r.model,
        version: r.version,
        frontend: r.frontend,
        count: 0,
        sums: new Float64Array(INTERVAL_COUNT),
        has: new Uint8Array(INTERVAL_COUNT),
        values: INTERVALS.map(() => new Values())
      };
      this.groups.set(key, g);
    }
    g.count++;
    const v = intervalsOf(r.ts, this.scratch);
    for (const i of BASIC) {
      if (v[i] < 0) {
        this.diagnostics?.add("negative_interval", "warning", `an interval ends before it starts (${INTERVALS[i]} of trace id ${r.id}); left out of the summary`, {offset: r.offset});
        v[i] = NaN;
      }
    }
    // Overheads again, from the intervals kept.
    v[I.frontend_overhead] = v[I.infer] - v[I.request] - v[I.receive] - v[I.send];
    v[I.handler_overhead] = v[I.request] - v[I.queue] - v[I.compute];
    for (let i = 0; i < INTERVAL_COUNT; i++) {
      const x = v[i];
      if (Number.isNaN(x)) continue;
      g.values[i].push(x);
      if (i !== I.frontend_overhead && i !== I.handler_overhead) {
        g.sums[i] += x;
        g.has[i] = 1;
      }
    }
  }

  result(): ModelSummary[] {
    const out: ModelSummary[] = [];
    const groups = [...this.groups.values()].sort(
      (a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.version - b.version || (a.frontend ?? "").localeCompare(b.frontend ?? ""))
    );
    for (const g of groups) {
      const mean = {} as IntervalStats;
      const p50 = {} as IntervalStats;
      const p90 = {} as IntervalStats;
      const p99 = {} as IntervalStats;
      const d = g.count * 1000;
      for (let i = 0; i < INTERVAL_COUNT; i++) {
        const name = INTERVALS[i];
        let m: number | null = g.has[i] ? g.sums[i] / d : null;
        if (i === I.frontend_overhead) m = g.has[I.infer] ? (g.sums[I.infer] - g.sums[I.request] - g.sums[I.receive] - g.sums[I.send]) / d : null;
        if (i === I.handler_overhead) m = g.has[I.queue] && g.has[I.compute] ? (g.sums[I.request] - g.sums[I.queue] - g.sums[I.compute]) / d : null;
        mean[name] = m;
        const sorted = g.values[i].view();
        const us = (x: number | null) => (x === null ? null : x / 1000);
        p50[name] = us(percentile(sorted, 50));
        p90[name] = us(percentile(sorted, 90));
        p99[name] = us(percentile(sorted, 99));
      }
      out.push({model: g.model, version: g.version, frontend: g.frontend, count: g.count, mean_us: mean, p50_us: p50, p90_us: p90, p99_us: p99});
    }
    return out;
  }
}
