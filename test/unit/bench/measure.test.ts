import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {measure} from "../../../loaders/bench/measure.ts";
import {summarize} from "../../../loaders/bench/stats.ts";
import {expandMatrix} from "../../../loaders/bench/config.ts";

/** A fake clock and workload: each run "takes" the next duration from the list. */
function fake(durations: number[]) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    run: async () => {
      t += durations[Math.min(i++, durations.length - 1)];
    },
    get calls() {
      return i;
    }
  };
}

describe("measure", () => {
  it("warms up until the last window's median is within tolerance of the one before", async () => {
    // Slow first runs (JIT, caches), then stable at 10 ms.
    const f = fake([50, 40, 30, 20, 15, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    const m = await measure(f.run, {runs: 4, minWarmup: 5, window: 3, tolerance: 0.05, now: f.now});
    // Medians of windows of 3, last vs before: run 9: 10 vs 15, run 10: 10 vs 12 (off by 17%),
    // run 11: [10,10,10] vs [12,10,10] -> 10 vs 10: stable.
    assert.equal(m.warmup_runs, 11);
    assert.deepEqual(m.samples_ms, [10, 10, 10, 10]);
    assert.equal(f.calls, 15);
  });

  it("never warms up less than minWarmup nor more than maxWarmup", async () => {
    const stable = fake([5]);
    assert.equal((await measure(stable.run, {runs: 1, minWarmup: 10, window: 2, now: stable.now})).warmup_runs, 10);
    // Alternating latencies never settle: capped.
    const noisy = fake(Array.from({length: 100}, (_, i) => (Math.floor(i / 3) % 2 ? 1 : 9)));
    assert.equal((await measure(noisy.run, {runs: 1, minWarmup: 1, maxWarmup: 17, window: 3, now: noisy.now})).warmup_runs, 17);
  });

  it("stops when aborted", async () => {
    const f = fake([1]);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(measure(f.run, {signal: controller.signal, now: f.now}), {name: "AbortError"});
  });
});

describe("summarize", () => {
  it("matches hand-computed statistics", () => {
    const s = summarize([4, 1, 3, 2, 10]);
    assert.equal(s.runs, 5);
    assert.equal(s.median_ms, 3);
    assert.equal(s.mean_ms, 4);
    assert.equal(s.min_ms, 1);
    assert.equal(s.max_ms, 10);
    // p90 of sorted [1,2,3,4,10] at h = 0.9*4 = 3.6 -> 4 + 0.6*(10-4) = 7.6
    assert.ok(Math.abs(s.p90_ms - 7.6) < 1e-12);
    assert.ok(Math.abs(s.p99_ms - 9.76) < 1e-12);
    const sd = Math.sqrt(((4 - 4) ** 2 + 9 + 1 + 4 + 36) / 4);
    assert.ok(Math.abs(s.stddev_ms - sd) < 1e-12);
    assert.ok(Math.abs(s.cv - sd / 4) < 1e-12);
  });
});

describe("expandMatrix", () => {
  const models = [{name: "m", source: "zoo" as const, file: "/m.onnx"}];

  it("quick matrix: thread and optimization speedups on the CPU, one WASM config", () => {
    const ids = expandMatrix({models, runtimes: ["ort-cpu", "ort-wasm"], runs: 30, cores: 4}).map((c) => c.config_id);
    assert.deepEqual(ids, ["m|ort-cpu|t1|b1|all", "m|ort-cpu|t4|b1|all", "m|ort-cpu|t4|b1|disabled", "m|ort-wasm|t1|b1|all"]);
  });

  it("one core: the duplicate thread setting runs once", () => {
    const ids = expandMatrix({models, runtimes: ["ort-cpu"], runs: 30, cores: 1}).map((c) => c.config_id);
    assert.deepEqual(ids, ["m|ort-cpu|t1|b1|all", "m|ort-cpu|t1|b1|disabled"]);
  });

  it("explicit lists give a plain cross product; WASM warms up at least 10 runs", () => {
    const configs = expandMatrix({models, runtimes: ["ort-cpu", "ort-wasm"], threads: [1, 2], batches: [1, 8], optLevels: ["all"], runs: 7, cores: 2});
    assert.equal(configs.length, 8);
    assert.ok(configs.every((c) => c.runs === 7));
    assert.ok(configs.filter((c) => c.runtime === "ort-wasm").every((c) => c.min_warmup >= 10));
  });

  it("full matrix covers every optimization level, threads up to the cores and two batch sizes", () => {
    const configs = expandMatrix({models, runtimes: ["ort-cpu"], full: true, runs: 30, cores: 6});
    assert.deepEqual([...new Set(configs.map((c) => c.threads))], [1, 2, 4, 6]);
    assert.deepEqual([...new Set(configs.map((c) => c.opt_level))], ["disabled", "basic", "extended", "all"]);
    assert.deepEqual([...new Set(configs.map((c) => c.batch))], [1, 8]);
  });
});
