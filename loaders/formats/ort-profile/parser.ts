// Turns ONNX Runtime trace events into op_profiles rows: one row per node per model_run.
//
// Event kinds read (writer: microsoft/onnxruntime core/common/profiler.cc; GPU events:
// core/common/gpu_profiler_common.h and core/providers/cuda/cupti_manager.cc; node args as written by
// onnxruntime-node 1.30, checked on real profiles in test/unit/ops/ort-profile.test.ts):
// - cat "Session", name "model_run": one inference run; its [ts, ts+dur] window groups the node events.
//   (Fallbacks when absent: "SequentialExecutor::Execute" windows, else the whole file is one run.)
// - cat "Node", name "<node>_kernel_time": one execution of a node. args: op_name, provider, node_index,
//   input_type_shape / output_type_shape (embedded JSON [{"float":[1,3,224,224]}]), activation_size,
//   parameter_size, output_size (decimal strings). "<node>_fence_before/after" events are ignored.
// - cat "Kernel": a GPU kernel or memcpy recorded by CUPTI (CUDA) / ROCm tracer, merged after the node
//   event that launched it, with args.parent_name = that node's event name and args.op_name copied.
//   A GPU node's own event times the (asynchronous) launch on the host, so its duration_us becomes the
//   sum of its kernels (host time kept in host_duration_us) and the kernels become 'gpu_kernel' rows,
//   which are not summed again.
// ts and dur are microseconds from the start of profiling.

import type {Diagnostics} from "../common/diagnostics.ts";
import type {ParsedOpRow, TensorShape} from "../../ops/profile-rows.ts";
import type {RawEvent} from "./tokenizer.ts";

export interface OrtEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args: Record<string, unknown>;
  line: number | null;
  /** Position in the file, to find the node event a kernel follows. */
  seq: number;
}

/** What the optimized graph says about a node (joined by node name), e.g. from optimizedModelFilePath. */
export interface OrtNodeInfo {
  domain?: string | null;
  activation?: string | null;
}

export interface OrtParseOptions {
  nodes?: ReadonlyMap<string, OrtNodeInfo>;
}

export interface OrtParseResult {
  rows: ParsedOpRow[];
  /** How many inference runs the rows span. */
  runs: number;
}

const KERNEL_SUFFIX = "_kernel_time";

function validEvents(raw: RawEvent[], diagnostics: Diagnostics): OrtEvent[] {
  const out: OrtEvent[] = [];
  raw.forEach((r, seq) => {
    const e = r.value as Record<string, unknown> | null;
    const ok = e && typeof e === "object" && typeof e.name === "string" && typeof e.ts === "number" && Number.isFinite(e.ts);
    if (!ok) {
      diagnostics.add("bad_event", "warning", "an event without a string name and a numeric ts was skipped", {line: r.line ?? undefined});
      return;
    }
    const dur = typeof e.dur === "number" && Number.isFinite(e.dur) ? e.dur : 0;
    const args = e.args && typeof e.args === "object" ? (e.args as Record<string, unknown>) : {};
    out.push({cat: typeof e.cat === "string" ? e.cat : "", name: e.name as string, ts: e.ts as number, dur, args, line: r.line, seq});
  });
  return out;
}

interface Window {
  ts: number;
  end: number;
}

/** Index of the window holding ts (the latest-starting one if they overlap), or -1. */
function windowOf(windows: readonly Window[], ts: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (windows[mid].ts <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0; i--) if (ts <= windows[i].end) return i;
  return -1;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

function int(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** ORT's [{"float":[1,3,224,224]}] (embedded JSON, or a string of it in some builds) as [{dtype, shape}]. */
export function ortShapes(v: unknown): TensorShape[] | null {
  let list = v;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list)) return null;
  return list.map((item) => {
    const entries = item && typeof item === "object" ? Object.entries(item as Record<string, unknown>) : [];
    const [dtype, shape] = entries[0] ?? [null, null];
    return {dtype, shape: Array.isArray(shape) && shape.every((d) => typeof d === "number") ? (shape as number[]) : null};
  });
}

interface NodeAcc {
  run: number;
  name: string;
  first: OrtEvent;
  count: number;
  hostSum: number;
  kernelSum: number;
  kernels: number;
}

interface KernelAcc {
  run: number;
  name: string;
  parent: NodeAcc | null;
  opName: string | null;
  first: OrtEvent;
  count: number;
  sum: number;
}

export function parseOrtEvents(raw: RawEvent[], diagnostics: Diagnostics, {nodes}: OrtParseOptions = {}): OrtParseResult {
  const events = validEvents(raw, diagnostics);

  let windows: Window[] = events.filter((e) => e.name === "model_run").map((e) => ({ts: e.ts, end: e.ts + e.dur}));
  if (windows.length === 0) {
    windows = events.filter((e) => /Executor::Execute$/.test(e.name)).map((e) => ({ts: e.ts, end: e.ts + e.dur}));
    if (windows.length > 0) diagnostics.add("no_model_run_events", "info", "no model_run events: runs were taken from the executor's Execute events");
  }
  windows.sort((a, b) => a.ts - b.ts);
  const singleRun = windows.length === 0;

  const nodeEvents = events.filter((e) => e.name.endsWith(KERNEL_SUFFIX) && e.cat !== "Kernel");
  const kernelEvents = events.filter((e) => e.cat === "Kernel");
  if (singleRun && nodeEvents.length > 0) diagnostics.add("no_run_events", "warning", "no model_run or Execute events: all node events were treated as one run");

  // Node executions, aggregated per (run, node).
  const nodeAcc = new Map<string, NodeAcc>();
  const latestByEventName = new Map<string, {seq: number; acc: NodeAcc}[]>();
  for (const e of nodeEvents) {
    const run = singleRun ? 0 : windowOf(windows, e.ts);
    if (run < 0) {
      diagnostics.add("node_outside_run", "warning", "a node event outside every model_run (e.g. the run was cut off) was skipped", {line: e.line ?? undefined});
      continue;
    }
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    const key = `${run}\u0000${name}`;
    let acc = nodeAcc.get(key);
    if (!acc) nodeAcc.set(key, (acc = {run, name, first: e, count: 0, hostSum: 0, kernelSum: 0, kernels: 0}));
    acc.count++;
    acc.hostSum += e.dur;
    if (e.ts < acc.first.ts) acc.first = e;
    const list = latestByEventName.get(e.name) ?? [];
    list.push({seq: e.seq, acc});
    latestByEventName.set(e.name, list);
  }

  // GPU kernels, attributed to the node event they follow (args.parent_name), per (run, parent, kernel).
  const kernelAcc = new Map<string, KernelAcc>();
  for (const e of kernelEvents) {
    const parentName = str(e.args.parent_name);
    let parent: NodeAcc | null = null;
    if (parentName) {
      const candidates = latestByEventName.get(parentName) ?? [];
      // The launching node event is the last one with that name before the kernel in the file;
      // failing that (a reordered file), the one whose run holds the kernel.
      // candidates are in file order: binary search for the last one before the kernel.
      let lo = 0;
      let hi = candidates.length - 1;
      let best: NodeAcc | null = null;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (candidates[mid].seq < e.seq) {
          best = candidates[mid].acc;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (!best && !singleRun) {
        const run = windowOf(windows, e.ts);
        best = candidates.find((c) => c.acc.run === run)?.acc ?? null;
      }
      parent = best;
    }
    if (!parent) diagnostics.add("unattributed_gpu_kernel", "warning", "a GPU kernel event names no node that launched it (no parent_name, or its node event is missing); it is kept as a gpu_kernel row without parent", {line: e.line ?? undefined});
    const run = parent ? parent.run : singleRun ? 0 : windowOf(windows, e.ts);
    if (run < 0) {
      diagnostics.add("kernel_outside_run", "warning", "a GPU kernel event outside every model_run and without a known node was skipped", {line: e.line ?? undefined});
      continue;
    }
    const key = `${run}\u0000${parent?.name ?? ""}\u0000${e.name}`;
    let acc = kernelAcc.get(key);
    if (!acc) kernelAcc.set(key, (acc = {run, name: e.name, parent, opName: str(e.args.op_name), first: e, count: 0, sum: 0}));
    acc.count++;
    acc.sum += e.dur;
    if (e.ts < acc.first.ts) acc.first = e;
    if (parent) {
      parent.kernelSum += e.dur;
      parent.kernels++;
    }
  }

  const firstTs = nodeEvents.reduce((m, e) => Math.min(m, e.ts), Infinity);
  const runStart = (run: number) => (singleRun ? firstTs : windows[run].ts);
  const rows: ParsedOpRow[] = [];
  for (const acc of nodeAcc.values()) {
    const a = acc.first.args;
    const opName = str(a.op_name);
    if (!opName) diagnostics.add("missing_op_name", "warning", "a node event has no op_name argument; its op_type is 'unknown'", {line: acc.first.line ?? undefined});
    const info = nodes?.get(acc.name);
    const hostMean = acc.hostSum / acc.count;
    const onGpu = acc.kernels > 0;
    rows.push({
      format: "ort-profile",
      run_index: acc.run,
      runs_averaged: null,
      scope: "node",
      parent_node: null,
      node_index: int(a.node_index),
      node_name: acc.name,
      op_type: opName ?? "unknown",
      kernel: opName ?? "unknown",
      provider: str(a.provider),
      fused_domain: info?.domain ?? null,
      fused_activation: info?.activation ?? null,
      duration_us: onGpu ? acc.kernelSum / acc.count : hostMean,
      host_duration_us: onGpu ? hostMean : null,
      median_us: null,
      executions: acc.count,
      share_pct: null,
      input_shapes: jsonOrNull(ortShapes(a.input_type_shape)),
      output_shapes: jsonOrNull(ortShapes(a.output_type_shape)),
      activation_bytes: int(a.activation_size),
      parameter_bytes: int(a.parameter_size),
      output_bytes: int(a.output_size),
      start_us: acc.first.ts - runStart(acc.run)
    });
  }
  for (const acc of kernelAcc.values()) {
    const op = acc.opName ?? (acc.parent ? str(acc.parent.first.args.op_name) : null);
    rows.push({
      format: "ort-profile",
      run_index: acc.run,
      runs_averaged: null,
      scope: "gpu_kernel",
      parent_node: acc.parent?.name ?? null,
      node_index: acc.parent ? int(acc.parent.first.args.node_index) : null,
      node_name: acc.name,
      op_type: op ?? (/^MEMCPY/i.test(acc.name) ? "Memcpy" : "unknown"),
      kernel: acc.name,
      provider: acc.parent ? str(acc.parent.first.args.provider) : null,
      fused_domain: null,
      fused_activation: null,
      duration_us: acc.sum / acc.count,
      host_duration_us: null,
      median_us: null,
      executions: acc.count,
      share_pct: null,
      input_shapes: null,
      output_shapes: null,
      activation_bytes: null,
      parameter_bytes: null,
      output_bytes: null,
      start_us: acc.first.ts - runStart(acc.run)
    });
  }
  rows.sort((x, y) => (x.run_index ?? 0) - (y.run_index ?? 0) || (x.start_us ?? 0) - (y.start_us ?? 0) || x.node_name.localeCompare(y.node_name));
  const runs = new Set(rows.map((r) => r.run_index)).size;
  return {rows, runs};
}

function jsonOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}
