// Splits an ONNX Runtime profile into raw trace events, each with the line it came from.
//
// Layout, as written by Profiler::EndProfiling (microsoft/onnxruntime onnxruntime/core/common/profiler.cc):
//   [
//   {"cat" : "Node","pid" :8304,"tid" :8304,"dur" :196,"ts" :1458,"ph" : "X","name" :"conv1_kernel_time","args" : {...}},
//   ...
//   {"cat" : "Session", ... "name" :"model_run","args" : {}}
//   ]
// One event per line; argument values that start with '[' or '{' are embedded raw (input_type_shape),
// the others are quoted strings (sizes too). Names are written without JSON escaping, so a name with
// a '"' breaks strict JSON: such a line is repaired here. A file cut short (no closing ']', last line
// partial) keeps its complete events and reports the truncation. Anything else that is not an event
// line is a structural fault and names the line.

import {InputError} from "../../common/errors.ts";
import type {Diagnostics} from "../common/diagnostics.ts";
import {jsonErrorLine} from "../../ops/json-error.ts";
import {sniffOrtProfile} from "./sniff.ts";

export interface RawEvent {
  value: unknown;
  /** 1-based line in the file, null when the file was parsed as a whole (re-saved trace object). */
  line: number | null;
}

const HINT = "Expected an ONNX Runtime profile: the JSON file written when a session runs with profiling enabled (enableProfiling / enable_profiling).";

/** ORT does not escape event names: re-quote the name field of one event line. */
function repairName(line: string): string | null {
  const m = /^(\{.*?"name" ?:\s?")(.*)(",\s?"args" ?: ?[{].*)$/.exec(line);
  if (!m) return null;
  return `${m[1]}${JSON.stringify(m[2]).slice(1, -1)}${m[3]}`;
}

function parseEventLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    const repaired = repairName(line);
    if (repaired === null) return undefined;
    try {
      return JSON.parse(repaired);
    } catch {
      return undefined;
    }
  }
}

function snippet(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}

export function tokenizeOrtProfile(input: string, file: string, diagnostics: Diagnostics): RawEvent[] {
  const text = input.replace(/^\uFEFF/, "");
  const layout = sniffOrtProfile(text);
  if (layout === null) {
    const first = text.trimStart().split("\n", 1)[0] ?? "";
    throw new InputError(file, `not an ONNX Runtime profile: expected a JSON array of trace events ('[' then {"cat" : ..., "name" : ...} lines), found ${snippet(first) || "an empty file"}`, {line: 1, hint: HINT});
  }
  if (layout === "trace-object") return wholeFile(text, file);

  const lines = text.split("\n");
  const events: RawEvent[] = [];
  let opened = false;
  let closed = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    const lineNo = i + 1;
    if (!opened) {
      // The opening bracket is alone on its line in ORT's output; tolerate an event on the same line.
      opened = true;
      const rest = raw.slice(1).trim();
      if (rest === "") continue;
      if (rest === "]") {
        closed = true;
        continue;
      }
      // Not ORT's one-event-per-line layout (e.g. re-saved on one line): parse as a whole.
      return wholeFile(text, file);
    }
    if (closed) throw new InputError(file, `unexpected content after the closing ']' of the event array: ${snippet(raw)}`, {line: lineNo, hint: HINT});
    if (raw === "]") {
      closed = true;
      continue;
    }
    const body = raw.endsWith(",") ? raw.slice(0, -1) : raw;
    const value = body.startsWith("{") && body.endsWith("}") ? parseEventLine(body) : undefined;
    if (value !== undefined) {
      events.push({value, line: lineNo});
      continue;
    }
    const isLast = lines.slice(i + 1).every((l) => l.trim() === "");
    if (isLast) {
      // A profile cut short while being written or copied: keep what is complete.
      diagnostics.add("truncated_event", "warning", "the last event line is incomplete (file cut short?); it was skipped", {line: lineNo});
      break;
    }
    if (!body.startsWith("{") || !body.endsWith("}")) {
      // Pretty-printed JSON (one field per line) is valid too, just not ORT's own layout.
      if (events.length === 0) return wholeFile(text, file);
    }
    throw new InputError(file, `expected one trace event per line ({"cat" : ..., "name" : ..., "args" : {...}}), found ${snippet(raw)}`, {line: lineNo, hint: HINT});
  }
  if (opened && !closed) diagnostics.add("missing_closing_bracket", "warning", "the event array has no closing ']' (file cut short?); the complete events were read", {line: lines.length});
  return events;
}

function wholeFile(text: string, file: string): RawEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `invalid JSON: ${(error as Error).message}`, {line: jsonErrorLine(text), hint: HINT, cause: error});
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as {traceEvents?: unknown})?.traceEvents;
  if (!Array.isArray(list)) throw new InputError(file, "expected a JSON array of trace events or an object with a traceEvents array", {line: 1, hint: HINT});
  return list.map((value) => ({value, line: null}));
}
