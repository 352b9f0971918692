// The exact planner: integer shares s_u >= 0 with sum B that minimise the predicted makespan
// max_u t_u(s_u), where t_u is the table's non-decreasing time model (table.ts).
//
// Because every t_u is non-decreasing, a makespan T is reachable exactly when the largest shares
// that fit under it, cap_u(T) = max{s <= B : t_u(s) <= T}, add up to B or more. Feasibility is
// monotone in T, and the optimum T* is one of the values t_u(s) (a "candidate"). The search keeps
// `hi`, a feasible candidate, and `lo`, below which every candidate is infeasible, and bisects:
//   feasible(mid)   -> hi = max_u t_u(cap_u(mid)), the makespan those caps really give (<= mid)
//   infeasible(mid) -> lo = min_u t_u(cap_u(mid) + 1), the next candidate above mid
// Each step at least halves [lo, hi] and lands on candidates, so it ends with lo = hi = T* after a
// few dozen feasibility tests of U binary searches each: O(U log B log P) per test, no O(U B^2) DP.
// The caps at T* sum to >= B; the excess is taken, one item at a time, from the unit predicted to
// finish last (shrinking a share never raises its time, so the makespan stays T*).

import type {PerfTable} from "./table.ts";

/** The largest share (<= limit) unit u can run within T ms. */
function cap(table: PerfTable, u: number, T: number, limit: number): number {
  if (table.time(u, limit) <= T) return limit;
  let lo = 0; // t(0) = 0 <= T
  let hi = limit; // t(limit) > T
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (table.time(u, mid) <= T) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface OptimalResult {
  shares: number[];
  makespan_ms: number;
  /** Feasibility tests the search made (for the benchmark and curiosity). */
  steps: number;
}

export function planOptimal(table: PerfTable, batch: number): OptimalResult {
  const U = table.curves.length;
  if (batch <= 0) return {shares: new Array(U).fill(0), makespan_ms: 0, steps: 0};
  const caps = new Array<number>(U).fill(0);
  const fill = (T: number): number => {
    let total = 0;
    for (let u = 0; u < U; u++) total += caps[u] = cap(table, u, T, batch);
    return total;
  };
  let hi = Infinity;
  for (let u = 0; u < U; u++) hi = Math.min(hi, table.time(u, batch));
  let lo = 0;
  let steps = 0;
  while (lo < hi) {
    const mid = lo + (hi - lo) / 2;
    if (!(mid > lo && mid < hi)) {
      // lo and hi are adjacent doubles: lo is the only candidate left below hi.
      steps++;
      if (fill(lo) >= batch) hi = lo;
      break;
    }
    steps++;
    if (fill(mid) >= batch) {
      let reached = 0;
      for (let u = 0; u < U; u++) reached = Math.max(reached, table.time(u, caps[u]));
      hi = reached;
    } else {
      let next = Infinity;
      for (let u = 0; u < U; u++) if (caps[u] < batch) next = Math.min(next, table.time(u, caps[u] + 1));
      lo = next;
    }
  }
  const T = hi;
  let total = fill(T);
  const shares = caps.slice();
  const times = shares.map((s, u) => table.time(u, s));
  while (total > batch) {
    let worst = -1;
    for (let u = 0; u < U; u++) if (shares[u] > 0 && (worst < 0 || times[u] >= times[worst])) worst = u;
    shares[worst]--;
    times[worst] = table.time(worst, shares[worst]);
    total--;
  }
  return {shares, makespan_ms: table.makespan(shares), steps};
}
