// The planners on seeded random performance tables: the exact planner matches brute force over every
// split, every planner's shares are non-negative whole numbers summing to B, and the time model
// interpolates missing sizes and refuses units with no data.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {mulberry32} from "../../../loaders/bench/runtimes.ts";
import {planGreedy} from "../../../loaders/partition/greedy.ts";
import {planOptimal} from "../../../loaders/partition/optimal.ts";
import {PLANNERS, parsePlanners, planAll, planProportional} from "../../../loaders/partition/plan.ts";
import {PerfTable, timeAt, unitCurve, type TablePoint} from "../../../loaders/partition/table.ts";
import {profileSizes} from "../../../loaders/partition/sizes.ts";
import {UserError} from "../../../loaders/common/errors.ts";

/** A unit with a fixed overhead, a per-item time, some noise (so some profiles are non-monotone), at a random subset of sizes. */
function randomTable(rand: () => number, units: number, maxBatch: number): PerfTable {
  const rows: (TablePoint & {unit: string})[] = [];
  const sizes = profileSizes(maxBatch);
  for (let u = 0; u < units; u++) {
    const overhead = rand() * 20;
    const perItem = 0.2 + rand() * 10;
    const curve = rand() < 0.3 ? 0.8 + rand() * 0.4 : 1; // sub- or super-linear batches
    const kept = sizes.filter(() => rand() < 0.7);
    if (kept.length === 0) kept.push(sizes[Math.floor(rand() * sizes.length)]);
    for (const b of kept) rows.push({unit: `u${u}`, batch: b, ms: overhead + perItem * b ** curve * (0.85 + 0.3 * rand())});
  }
  return PerfTable.fromPoints(rows);
}

/** Every split of `batch` into `units` non-negative parts, and the smallest predicted makespan. */
function bruteForce(table: PerfTable, batch: number): number {
  const U = table.curves.length;
  let best = Infinity;
  const shares = new Array<number>(U).fill(0);
  const walk = (u: number, left: number, worst: number) => {
    if (worst >= best) return;
    if (u === U - 1) {
      best = Math.min(best, Math.max(worst, table.time(u, left)));
      return;
    }
    for (let s = 0; s <= left; s++) {
      shares[u] = s;
      walk(u + 1, left - s, Math.max(worst, table.time(u, s)));
    }
  };
  walk(0, batch, 0);
  return best;
}

function assertValidShares(shares: number[], batch: number, units: number, what: string): void {
  assert.equal(shares.length, units, `${what}: one share per unit`);
  assert.ok(shares.every((s) => Number.isInteger(s) && s >= 0), `${what}: non-negative whole shares ${shares}`);
  assert.equal(shares.reduce((a, b) => a + b, 0), batch, `${what}: shares ${shares} sum to ${batch}`);
}

describe("exact planner", () => {
  it("equals brute force on 300 random tables (B <= 32, 1-4 units)", () => {
    const rand = mulberry32(20240611);
    let differentFromGreedy = 0;
    for (let i = 0; i < 300; i++) {
      const units = 1 + Math.floor(rand() * 4);
      const batch = 1 + Math.floor(rand() * 32);
      const table = randomTable(rand, units, 32);
      const opt = planOptimal(table, batch);
      assertValidShares(opt.shares, batch, units, `case ${i}`);
      const brute = bruteForce(table, batch);
      assert.equal(opt.makespan_ms, brute, `case ${i}: ${units} units, batch ${batch}: optimal ${opt.makespan_ms} vs brute force ${brute}`);
      assert.equal(table.makespan(opt.shares), opt.makespan_ms, "reported makespan is the shares' makespan");
      if (table.makespan(planGreedy(table, batch).shares) > brute) differentFromGreedy++;
    }
    // The brute force is not a copy of the planner: on these tables the greedy is often worse.
    assert.ok(differentFromGreedy > 10, `greedy worse than brute force in ${differentFromGreedy} cases`);
  });

  it("is never beaten by the heuristics, and handles B = 0 and B = 1", () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 100; i++) {
      const table = randomTable(rand, 2 + Math.floor(rand() * 7), 256);
      const batch = 1 + Math.floor(rand() * 600);
      const set = planAll(table, batch, PLANNERS);
      const opt = set.plans.find((p) => p.planner === "optimal")!;
      for (const p of set.plans) {
        assertValidShares(p.shares, batch, table.curves.length, `${p.planner} case ${i}`);
        assert.ok(p.makespan_ms >= opt.makespan_ms, `${p.planner} ${p.makespan_ms} below optimum ${opt.makespan_ms}`);
        assert.ok(p.gap_pct >= 0);
      }
      assert.ok(opt.makespan_ms <= set.best_single.ms, "splitting never predicts worse than the best single unit");
    }
    const table = randomTable(mulberry32(1), 3, 8);
    assert.deepEqual(planOptimal(table, 0).shares, [0, 0, 0]);
    assert.equal(planOptimal(table, 1).shares.reduce((a, b) => a + b, 0), 1);
  });

  it("splits evenly between identical units and gives a slow unit nothing when it cannot help", () => {
    const same = PerfTable.fromPoints(["a", "b"].flatMap((unit) => [1, 2, 4, 8, 16].map((batch) => ({unit, batch, ms: 5 + 2 * batch}))));
    assert.deepEqual(planOptimal(same, 16).shares, [8, 8]);
    // c takes 100 ms for even one item: the 10-item batch on a alone takes 25 ms.
    const slow = PerfTable.fromPoints([
      ...[1, 10].map((batch) => ({unit: "a", batch, ms: 5 + 2 * batch})),
      ...[1, 10].map((batch) => ({unit: "c", batch, ms: 100 + batch}))
    ]);
    assert.deepEqual(planOptimal(slow, 10).shares, [10, 0]);
  });
});

describe("greedy and proportional planners", () => {
  it("always return non-negative shares summing to B", () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 200; i++) {
      const units = 1 + Math.floor(rand() * 8);
      const batch = Math.floor(rand() * 300);
      const table = randomTable(rand, units, 512);
      assertValidShares(planGreedy(table, batch).shares, batch, units, `greedy case ${i}`);
      assertValidShares(planProportional(table, batch), batch, units, `proportional case ${i}`);
    }
  });

  it("greedy moves items off the fastest unit while the receiver stays within its slack", () => {
    // Two identical linear units: the reference greedy ends balanced (or one item off).
    const table = PerfTable.fromPoints(["a", "b"].flatMap((unit) => [1, 64].map((batch) => ({unit, batch, ms: batch}))));
    const {shares} = planGreedy(table, 64);
    assert.ok(Math.abs(shares[0] - shares[1]) <= 1, `balanced: ${shares}`);
  });

  it("proportional follows throughput at the whole batch", () => {
    // a: 1 ms per item, b: 3 ms per item: a gets 3/4.
    const table = PerfTable.fromPoints([...[1, 8].map((batch) => ({unit: "a", batch, ms: batch})), ...[1, 8].map((batch) => ({unit: "b", batch, ms: 3 * batch}))]);
    assert.deepEqual(planProportional(table, 8), [6, 2]);
  });

  it("--planner accepts names, lists and all; refuses others", () => {
    assert.deepEqual(parsePlanners(undefined), ["optimal"]);
    assert.deepEqual(parsePlanners("greedy,optimal"), ["greedy", "optimal"]);
    assert.deepEqual(parsePlanners("all"), [...PLANNERS]);
    assert.throws(() => parsePlanners("fastest"), (e: Error) => e instanceof UserError && /unknown planner 'fastest'/.test(e.message));
  });
});

describe("time model", () => {
  const curve = unitCurve("u", [
    {batch: 1, ms: 10},
    {batch: 4, ms: 16},
    {batch: 8, ms: 30},
    {batch: 9, ms: 28} // below the 8-item median: raised to 30
  ]);

  it("interpolates a missing size linearly between the nearest profiled sizes", () => {
    assert.equal(timeAt(curve, 2), 12);
    assert.equal(timeAt(curve, 6), 23);
    assert.equal(timeAt(curve, 0), 0, "a share of 0 costs 0");
  });

  it("keeps the model non-decreasing and extrapolates beyond the largest size", () => {
    assert.deepEqual([...curve.raw_ms], [10, 16, 30, 28]);
    assert.deepEqual([...curve.ms], [10, 16, 30, 30]);
    // Last two points equal after the fix: per-item time of the largest size (30/9 per item).
    assert.equal(timeAt(curve, 18), 30 + 9 * (30 / 9));
    const rising = unitCurve("r", [{batch: 2, ms: 4}, {batch: 4, ms: 6}]);
    assert.equal(timeAt(rising, 8), 10, "slope of the last two sizes");
    assert.equal(timeAt(rising, 1), 3, "below the smallest size: extrapolated from the first two");
    for (let b = 1; b < 40; b++) assert.ok(timeAt(curve, b) >= timeAt(curve, b - 1), `non-decreasing at ${b}`);
  });

  it("refuses a unit with no data, naming it", () => {
    assert.throws(
      () => PerfTable.fromPoints([{unit: "cpu:1", batch: 1, ms: 3}], {units: ["cpu:1", "wasm:1"]}),
      (e: Error) => e instanceof UserError && /unit 'wasm:1' has no measured times/.test(e.message)
    );
    assert.throws(() => unitCurve("gpu", [{batch: 4, ms: NaN}]), /unit 'gpu' has no measured times/);
    const table = PerfTable.fromPoints([{unit: "a", batch: 1, ms: 1}]);
    assert.throws(() => table.select(["b"]), /unit 'b' has no measured times/);
  });

  it("profiles 1, 2^n - 1, 2^n, 2^n + 1 up to the batch, and the batch itself", () => {
    assert.deepEqual(profileSizes(16), [1, 2, 3, 4, 5, 7, 8, 9, 15, 16]);
    assert.deepEqual(profileSizes(20), [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 20]);
    assert.deepEqual(profileSizes(1), [1]);
  });
});
