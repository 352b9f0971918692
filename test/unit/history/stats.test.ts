// The statistics behind `runs compare`: the counting bootstrap draws exactly the medians a naive
// resampler would, intervals are percentiles, and the rank test matches the textbook formula.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {median} from "d3-array";
import {mulberry32} from "../../../loaders/common/random.ts";
import {bootstrapMedians, mannWhitney, medianOf, percentileInterval, quantileSorted, seedOf} from "../../../loaders/history/stats.ts";
import {samples} from "./fixtures.ts";

/** A resampler written the obvious way: n draws, sort, take the middle. */
function naiveMedians(values: number[], resamples: number, seed: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const random = mulberry32(seed);
  const out: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const draw = Array.from({length: sorted.length}, () => sorted[Math.floor(random() * sorted.length)]);
    out.push(median(draw)!);
  }
  return out;
}

describe("bootstrap of the median", () => {
  for (const n of [1, 2, 5, 30, 31]) {
    it(`draws the same medians as a naive resampler (n = ${n})`, () => {
      const values = samples(n, n, 10);
      assert.deepEqual([...bootstrapMedians(values, {resamples: 300, seed: 42})], naiveMedians(values, 300, 42));
    });
  }

  it("is deterministic for a seed and differs between seeds", () => {
    const values = samples(7, 30, 10);
    assert.deepEqual(bootstrapMedians(values, {seed: 1}), bootstrapMedians(values, {seed: 1}));
    assert.notDeepEqual(bootstrapMedians(values, {seed: 1}), bootstrapMedians(values, {seed: 2}));
    assert.equal(bootstrapMedians(values, {seed: 1}).length, 2000);
  });

  it("gives an interval around the sample median that narrows with more samples", () => {
    const small = samples(3, 20, 10);
    const large = samples(3, 500, 10);
    const [lo1, hi1] = percentileInterval(bootstrapMedians(small, {seed: 5}));
    const [lo2, hi2] = percentileInterval(bootstrapMedians(large, {seed: 5}));
    assert.ok(lo1 <= medianOf(small) && medianOf(small) <= hi1);
    assert.ok(lo2 <= medianOf(large) && medianOf(large) <= hi2);
    assert.ok(hi2 - lo2 < (hi1 - lo1) / 2, `500 samples: ${hi2 - lo2} vs 20 samples: ${hi1 - lo1}`);
    assert.ok(lo2 > 9.8 && hi2 < 10.2, `the true median 10 is inside a tight interval: [${lo2}, ${hi2}]`);
  });

  it("medians and quantiles agree with d3", () => {
    for (const n of [1, 2, 3, 10, 11]) {
      const v = samples(n + 40, n, 5);
      assert.equal(medianOf(v), median(v));
    }
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.deepEqual(percentileInterval([5, 1, 4, 2, 3], 0.5), [2, 4]);
  });

  it("seeds from a key are stable 32-bit numbers", () => {
    assert.equal(seedOf("a"), 0xe40c292c); // FNV-1a of "a"
    assert.notEqual(seedOf("run-1|cfg"), seedOf("run-2|cfg"));
  });
});

describe("Mann-Whitney rank test", () => {
  it("matches the normal approximation with continuity correction", () => {
    // U = 0; sigma = sqrt(3*3*7/12); z = (4.5 - 0.5) / sigma = 1.7457; p = 2 * (1 - Phi(z)) = 0.0809
    const {u, p_value} = mannWhitney([1, 2, 3], [4, 5, 6]);
    assert.equal(u, 0);
    assert.ok(Math.abs(p_value - 0.0809) < 5e-4, `p = ${p_value}`);
  });

  it("is symmetric, gives p = 1 for identical samples, and a small p for a clear shift", () => {
    const a = samples(1, 30, 10);
    const b = samples(2, 30, 12);
    assert.ok(Math.abs(mannWhitney(a, b).p_value - mannWhitney(b, a).p_value) < 1e-12);
    assert.equal(mannWhitney(a, a).p_value, 1);
    assert.ok(mannWhitney(a, b).p_value < 1e-6);
  });

  it("corrects for ties", () => {
    // All tied: no evidence either way.
    assert.equal(mannWhitney([2, 2, 2], [2, 2]).p_value, 1);
    const tied = mannWhitney([1, 2, 2, 3], [2, 3, 4, 4]);
    // Ranks of a: 1, 3, 3, 5.5 (three 2s share rank 3, two 3s share 5.5) -> U = 12.5 - 10 = 2.5.
    assert.equal(tied.u, 2.5);
    // sigma = sqrt(16/12 * (9 - (24 + 6 + 6) / 56)) = 3.338; z = (5.5 - 0.5) / 3.338 = 1.498; p = 0.134.
    assert.ok(Math.abs(tied.p_value - 0.134) < 0.002, `p = ${tied.p_value}`);
  });
});
