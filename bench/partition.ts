// `npm run bench:partition`: how long the planners take for a 4096-item batch over 8 units.
// Target: the exact planner well under 100 ms. The tables are seeded random profiles on the same grid
// `inferscope partition profile --max-batch 4096` measures (1, 2^n - 1, 2^n, 2^n + 1, ...), with
// fixed overheads, noise (so the monotone fix has work to do) and sub- or super-linear growth.

import {mulberry32} from "../loaders/bench/runtimes.ts";
import {planGreedy} from "../loaders/partition/greedy.ts";
import {planOptimal} from "../loaders/partition/optimal.ts";
import {planProportional} from "../loaders/partition/plan.ts";
import {profileSizes} from "../loaders/partition/sizes.ts";
import {PerfTable, type TablePoint} from "../loaders/partition/table.ts";

const BATCH = 4096;
const UNITS = 8;
const TABLES = 20;
const REPEATS = 5;

function table(seed: number): PerfTable {
  const rand = mulberry32(seed);
  const rows: (TablePoint & {unit: string})[] = [];
  for (let u = 0; u < UNITS; u++) {
    const overhead = rand() * 30;
    const perItem = 0.05 + rand() * 5;
    const growth = 0.85 + rand() * 0.3;
    for (const b of profileSizes(BATCH)) rows.push({unit: `u${u}`, batch: b, ms: overhead + perItem * b ** growth * (0.9 + 0.2 * rand())});
  }
  return PerfTable.fromPoints(rows);
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

function time(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const tables = Array.from({length: TABLES}, (_, i) => table(1000 + i));
const results: Record<string, number[]> = {optimal: [], greedy: [], proportional: []};
let gaps = 0;
let worstGap = 0;
// The first call runs on cold code (as one CLI invocation does); later calls show the steady state.
const cold = time(() => planOptimal(tables[0], BATCH));
for (const t of tables) planOptimal(t, BATCH);
for (let r = 0; r < REPEATS; r++) {
  for (const t of tables) {
    results.optimal.push(time(() => planOptimal(t, BATCH)));
    results.greedy.push(time(() => planGreedy(t, BATCH)));
    results.proportional.push(time(() => planProportional(t, BATCH)));
  }
}
for (const t of tables) {
  const opt = planOptimal(t, BATCH).makespan_ms;
  const gap = (t.makespan(planGreedy(t, BATCH).shares) - opt) / opt;
  if (gap > 1e-12) gaps++;
  worstGap = Math.max(worstGap, gap);
}

process.stdout.write(`partition planners: batch ${BATCH}, ${UNITS} units, ${profileSizes(BATCH).length} profiled sizes per unit, ${TABLES} random tables x ${REPEATS} repeats\n`);
for (const [name, samples] of Object.entries(results)) {
  const s = [...samples].sort((a, b) => a - b);
  process.stdout.write(`  ${name.padEnd(13)} median ${quantile(s, 0.5).toFixed(3)} ms, p90 ${quantile(s, 0.9).toFixed(3)} ms, max ${s[s.length - 1].toFixed(3)} ms\n`);
}
process.stdout.write(`  optimal, first call (cold code, as in one CLI run): ${cold.toFixed(3)} ms\n`);
const first = planOptimal(tables[0], BATCH);
process.stdout.write(`  exact planner feasibility tests per plan (table 0): ${first.steps}\n`);
process.stdout.write(`  greedy above the optimum on ${gaps}/${TABLES} tables, worst by ${(100 * worstGap).toFixed(2)}%\n`);
const max = Math.max(cold, ...results.optimal);
process.stdout.write(`target: exact planner well under 100 ms -> ${max < 100 ? "met" : "NOT met"} (slowest ${max.toFixed(3)} ms)\n`);
