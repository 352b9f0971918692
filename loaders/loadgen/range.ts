// perf_analyzer's range syntax for load levels: "start:end:step" (end and step optional).

import {UserError} from "../common/errors.ts";

export function parseRange(flag: string, text: string, {integer = true}: {integer?: boolean} = {}): number[] {
  const parts = text.split(":");
  const nums = parts.map((p) => Number(p));
  const bad = parts.length > 3 || nums.some((n) => !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)));
  if (bad) {
    throw new UserError(`${flag}: ${JSON.stringify(text)} is not a range`, {hint: `Give start[:end[:step]] with positive ${integer ? "integers" : "numbers"}, e.g. ${flag} ${integer ? "1:16:2" : "10:100:10"}`});
  }
  const [start, end = start, step = 1] = nums;
  if (end < start) throw new UserError(`${flag}: the end (${end}) is below the start (${start})`, {hint: `e.g. ${flag} ${start}:${start * 4}:${start}`});
  const out: number[] = [];
  // Step in integer multiples so 0.1 steps do not drift.
  for (let k = 0; start + k * step <= end + 1e-9; k++) out.push(Number((start + k * step).toFixed(9)));
  if (out.length > 1000) throw new UserError(`${flag}: ${JSON.stringify(text)} gives ${out.length} levels; at most 1000`);
  return out;
}
