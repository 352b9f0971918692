// Reads trtexec --exportProfile files line by line, as trtexec writes them
// (NVIDIA/TensorRT samples/common/sampleReporting.cpp, Profiler::exportJSONProfile):
//   [
//     { "count" : 641 }
//   , { "name" : "conv1 + relu1", "timeMs" : 28.97, "averageMs" : 0.0452, "medianMs" : 0.0442, "percentage" : 1.086 }
//   ]
// "medianMs" exists only in newer releases (8.6+). Layer names are written between quotes without
// JSON escaping, and numbers with C++ stream defaults (so "nan" or "inf" can appear), so the file is
// not always valid JSON: each line is matched as trtexec prints it. A file that is valid JSON in
// another layout (re-saved, pretty-printed) is read as JSON. Checked against real exports:
// farabimahmud/detr-logs-trtexec detr-profile.json (with medianMs, zero-time layers) and
// ismetdagli/HaX-CoNN build2/*/profiles/*.profile (without medianMs, "||" merged layer names).

import {InputError} from "../../common/errors.ts";
import type {Diagnostics} from "../common/diagnostics.ts";
import {jsonErrorLine} from "../../ops/json-error.ts";

export interface TrtLayerLine {
  name: string;
  timeMs: number | null;
  averageMs: number | null;
  medianMs: number | null;
  percentage: number | null;
  line: number | null;
}

export interface TrtProfileTokens {
  count: number;
  layers: TrtLayerLine[];
}

const NUM = "(-?nan|[-+]?inf(?:inity)?|[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)";
const COUNT = /^\s*,?\s*\{\s*"count"\s*:\s*(\d+)\s*\}\s*,?\s*$/;
// Greedy name: a name holding '", "timeMs' is the only thing that could fool it.
const LAYER = new RegExp(
  `^\\s*,?\\s*\\{\\s*"name"\\s*:\\s*"(.*)"\\s*,\\s*"timeMs"\\s*:\\s*${NUM}\\s*,\\s*"averageMs"\\s*:\\s*${NUM}\\s*(?:,\\s*"medianMs"\\s*:\\s*${NUM}\\s*)?,\\s*"percentage"\\s*:\\s*${NUM}\\s*\\}\\s*,?\\s*$`,
  "i"
);

const HINT = "Expected the file written by trtexec --exportProfile=<file> (a JSON array starting with {\"count\" : N}).";

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function snippet(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}

export function tokenizeTrtProfile(input: string, file: string, diagnostics: Diagnostics): TrtProfileTokens {
  const text = input.replace(/^\uFEFF/, "");
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) throw new InputError(file, "the file is empty, expected a trtexec profile", {line: 1, hint: HINT});
  // trtexec's own layout: "[" alone, then the count line.
  const second = lines.findIndex((l, i) => i > first && l.trim() !== "");
  if (lines[first].trim() !== "[" || second < 0 || !COUNT.test(lines[second])) return fromJson(text, file);

  let count: number | null = null;
  const layers: TrtLayerLine[] = [];
  let closed = false;
  for (let i = second; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === "") continue;
    const line = i + 1;
    if (closed) throw new InputError(file, `unexpected content after the closing ']': ${snippet(raw.trim())}`, {line, hint: HINT});
    if (raw.trim() === "]") {
      closed = true;
      continue;
    }
    let m = COUNT.exec(raw);
    if (m) {
      if (count !== null) throw new InputError(file, `a second {"count" : N} entry; expected one per profile`, {line, hint: HINT});
      count = Number(m[1]);
      continue;
    }
    m = LAYER.exec(raw);
    if (m) {
      layers.push({name: m[1], timeMs: num(m[2]), averageMs: num(m[3]), medianMs: num(m[4]), percentage: num(m[5]), line});
      continue;
    }
    const isLast = lines.slice(i + 1).every((l) => l.trim() === "");
    if (isLast && !closed) {
      diagnostics.add("truncated_layer", "warning", "the last layer line is incomplete (file cut short?); it was skipped", {line});
      break;
    }
    throw new InputError(file, `expected a layer entry ', { "name" : "...", "timeMs" : t, "averageMs" : t, ["medianMs" : t,] "percentage" : p }', found ${snippet(raw.trim())}`, {line, hint: HINT});
  }
  if (!closed) diagnostics.add("missing_closing_bracket", "warning", "the profile has no closing ']' (file cut short?); the complete layer lines were read", {line: lines.length});
  return {count: count!, layers};
}

/** A profile saved as ordinary JSON (e.g. re-formatted): same entries, any layout. */
function fromJson(text: string, file: string): TrtProfileTokens {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text) ?? 1;
    throw new InputError(file, `not a trtexec profile: expected '[' then '{ "count" : N }' on the next line (or valid JSON), JSON error: ${(error as Error).message}`, {line, hint: HINT});
  }
  if (!Array.isArray(parsed)) throw new InputError(file, "expected a JSON array (trtexec profile), found " + (parsed === null ? "null" : typeof parsed), {line: 1, hint: HINT});
  const head = parsed[0] as {count?: unknown} | undefined;
  if (!head || typeof head.count !== "number") throw new InputError(file, `the first entry should be { "count" : N } (the number of profiled iterations), found ${snippet(JSON.stringify(head ?? null))}`, {line: 1, hint: HINT});
  const layers = parsed.slice(1).map((e, i) => {
    const o = e as Record<string, unknown>;
    if (!o || typeof o.name !== "string") throw new InputError(file, `entry ${i + 1} has no "name" string; expected { "name" : ..., "timeMs" : ..., "averageMs" : ..., "percentage" : ... }`, {hint: HINT});
    const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    return {name: o.name, timeMs: n(o.timeMs), averageMs: n(o.averageMs), medianMs: n(o.medianMs), percentage: n(o.percentage), line: null};
  });
  return {count: head.count, layers};
}
