// The reference study's greedy split, reconstructed from its published partitioner code (a Python
// `Partitioner` class over TVM, latest variant: tolerate limit 1, one change of base unit, offload
// threshold 1.0). It runs here on inferscope's time model (table.ts) so that all three planners are
// compared on the same predictions. The search, as the reference wrote it:
//
//   1. The base unit is the one predicted fastest for the whole batch; it starts with all B items.
//   2. Each round tries to move `trial` = 2^k items (k = failed rounds in a row) from the base to
//      one other unit. A unit qualifies if, after taking them, no non-base unit is predicted slower
//      than the base would be with ONE item fewer (t_base(s_base - 1)). Among those that qualify,
//      the one left with the most slack (t_base(s_base - 1) - its new time) takes the items; ties go
//      to the unit listed last, as in the reference.
//   3. A round where nobody qualifies counts as a failure; after more than `tolerate` failures in a
//      row the base becomes the unit predicted SLOWEST for the whole batch (the reference's
//      GetNextBaseDev) and one more round is tried; the search ends after `baseChanges` changes, or
//      when the base is down to one item.
//
// Where the reference would fail (the new base holds no items, so t(-1) is asked for), this version
// stops instead. It is a heuristic: the exact planner (optimal.ts) shows how far from best it lands.

import type {PerfTable} from "./table.ts";

export interface GreedyOptions {
  /** Failed rounds in a row tolerated before the base changes (reference: 1). */
  tolerate?: number;
  /** Changes of base unit before the search ends (reference: 1). */
  baseChanges?: number;
  /** A receiver may reach at most threshold x t_base(s_base - 1) (reference: 1.0). */
  threshold?: number;
}

function argBest(values: number[], better: (a: number, b: number) => boolean): number {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || better(v, values[best])) best = i;
  });
  return best;
}

export function planGreedy(table: PerfTable, batch: number, {tolerate = 1, baseChanges = 1, threshold = 1}: GreedyOptions = {}): {shares: number[]; rounds: number} {
  const U = table.curves.length;
  const shares = new Array<number>(U).fill(0);
  if (batch <= 0) return {shares, rounds: 0};
  const whole = table.curves.map((_, u) => table.time(u, batch));
  let base = argBest(whole, (a, b) => a < b);
  shares[base] = batch;
  if (U === 1) return {shares, rounds: 0};
  const now = shares.map((s, u) => table.time(u, s));
  let rounds = 0;
  let failures = 0;
  let changes = 0;
  while (changes < baseChanges) {
    if (rounds > 0 && failures > tolerate) {
      base = argBest(whole, (a, b) => a > b);
      changes++;
      failures = 0;
    }
    if (shares[base] === 0) break;
    const baseNext = table.time(base, shares[base] - 1);
    const limit = baseNext * threshold;
    const trial = 2 ** failures;
    let pick = -1;
    let pickSlack = -Infinity;
    if (trial <= shares[base]) {
      for (let u = 0; u < U; u++) {
        if (u === base) continue;
        const after = table.time(u, shares[u] + trial);
        let ok = after <= limit;
        for (let v = 0; ok && v < U; v++) if (v !== base && v !== u && now[v] > limit) ok = false;
        if (!ok) continue;
        const slack = baseNext - after;
        if (slack >= pickSlack) {
          pick = u;
          pickSlack = slack;
        }
      }
    }
    if (pick >= 0) {
      shares[base] -= trial;
      shares[pick] += trial;
      now[base] = table.time(base, shares[base]);
      now[pick] = table.time(pick, shares[pick]);
      failures = 0;
    } else {
      failures++;
    }
    rounds++;
    if (shares[base] === 1) break;
  }
  return {shares, rounds};
}
