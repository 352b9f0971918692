import assert from "node:assert/strict";
import {it} from "node:test";
import {formatDuration, Progress} from "../../../loaders/common/progress.ts";

function capture(options: {total: number; work?: number[]}) {
  let t = 0;
  const lines: string[] = [];
  const p = new Progress({...options, label: "x", now: () => t, stream: {write: (s: string) => lines.push(s)}});
  return {p, lines, advance: (ms: number) => (t += ms)};
}

it("shows n of m, elapsed and an estimate from the steps done", () => {
  const {p, lines, advance} = capture({total: 4});
  p.start("a");
  advance(10_000);
  p.finish("done a");
  p.start("b");
  assert.deepEqual(lines, ["x [1/4] a (elapsed 0s)\n", "  done a\n", "x [2/4] b (elapsed 10s, ~30s left)\n"]);
});

it("weights the estimate by each step's expected work", () => {
  const {p, lines, advance} = capture({total: 3, work: [1, 1, 8]});
  p.start("a");
  advance(5_000);
  p.finish();
  p.start("b");
  // 5 s for 1 unit of work; 9 units remain.
  assert.match(lines.at(-1)!, /\[2\/3\] b \(elapsed 5s, ~45s left\)/);
});

it("formats durations for people", () => {
  assert.equal(formatDuration(59_400), "59s");
  assert.equal(formatDuration(61_000), "1m01s");
  assert.equal(formatDuration(3_700_000), "1h01m");
});
