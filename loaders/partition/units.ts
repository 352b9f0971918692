// Execution units: targets that can each run a share of one batch at the same time as the others.
// A spec list such as `cpu:1,cpu:1,wasm:1` names them:
//
//   cpu:K[@CORES]   onnxruntime-node, CPU execution provider, K intra-op threads
//   wasm:K[@CORES]  onnxruntime-web, WASM backend inside Node, K threads
//   cuda[:D]        onnxruntime-node, CUDA execution provider on GPU D (default 0)
//
// CORES pins the unit's process to one core or a range with `taskset -c` (@0, @1, @0-1). Each unit
// runs in its own process (see pool.ts).

import {existsSync} from "node:fs";
import os from "node:os";
import {UserError} from "../common/errors.ts";
import type {RuntimeName} from "../bench/config.ts";

export type UnitKind = "cpu" | "wasm" | "cuda";

export interface UnitSpec {
  /** Unique name in the set: the spec, with #2, #3... added to repeats (cpu:1, cpu:1#2). */
  label: string;
  /** The spec as written, e.g. cpu:1@0. */
  spec: string;
  kind: UnitKind;
  runtime: RuntimeName;
  /** Intra-op threads (cpu, wasm); 1 for cuda. */
  threads: number;
  /** Cores for taskset -c, e.g. "0" or "0-1"; null when not pinned. */
  cores: string | null;
  /** CUDA device index (cuda only). */
  device: number | null;
}

const RUNTIME_OF: Record<UnitKind, RuntimeName> = {cpu: "ort-cpu", wasm: "ort-wasm", cuda: "ort-cuda"};
const SPEC = /^(cpu|wasm|cuda)(?::(\d+))?(?:@(\d+(?:-\d+)?))?$/;
const HINT = "Units look like cpu:1,cpu:1,wasm:1 (kind:threads, kinds cpu, wasm, cuda[:device]); pin with @core or @first-last, e.g. cpu:1@0,cpu:1@1";

function coreList(cores: string): number[] {
  const [a, b] = cores.split("-").map(Number);
  const out: number[] = [];
  for (let c = a; c <= (b ?? a); c++) out.push(c);
  return out;
}

/** Parse `--units`; throws a UserError naming the bad item. */
export function parseUnits(text: string | undefined, {cores = os.availableParallelism()}: {cores?: number} = {}): UnitSpec[] {
  if (!text || !text.trim()) throw new UserError("--units: name at least one unit", {hint: HINT});
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  return labelled(items.map((item) => {
    const m = SPEC.exec(item);
    if (!m) throw new UserError(`--units: '${item}' is not a unit`, {hint: HINT});
    const kind = m[1] as UnitKind;
    const n = m[2] === undefined ? (kind === "cuda" ? 0 : 1) : Number(m[2]);
    if (kind !== "cuda" && n < 1) throw new UserError(`--units: '${item}' asks for ${n} threads`, {hint: "Give 1 or more threads, e.g. cpu:1"});
    const pinned = m[3] ?? null;
    if (pinned) {
      const list = coreList(pinned);
      if (list.length === 0) throw new UserError(`--units: '${item}' has an empty core range @${pinned}`, {hint: "Write the range low-high, e.g. @0-1"});
      const bad = list.find((c) => c >= cores);
      if (bad !== undefined) throw new UserError(`--units: '${item}' pins to core ${bad}, but this machine has cores 0-${cores - 1}`, {hint: HINT});
    }
    return {
      label: item,
      spec: item,
      kind,
      runtime: RUNTIME_OF[kind],
      threads: kind === "cuda" ? 1 : n,
      cores: pinned,
      device: kind === "cuda" ? n : null
    };
  }));
}

/** Labels are the specs, with #2, #3.. added to repeats so every unit has a name of its own. */
function labelled(units: UnitSpec[]): UnitSpec[] {
  const seen = new Map<string, number>();
  return units.map((u) => {
    const count = (seen.get(u.spec) ?? 0) + 1;
    seen.set(u.spec, count);
    return {...u, label: count > 1 ? `${u.spec}#${count}` : u.spec};
  });
}

/**
 * Pin units that have no @cores to cores of their own, in order, wrapping around when there are more
 * threads than cores (e.g. cpu:1,cpu:1 on 2 cores: @0 and @1). Used by --pin.
 */
export function autoPin(units: UnitSpec[], cores = os.availableParallelism()): UnitSpec[] {
  let next = 0;
  return labelled(units.map((u) => {
    if (u.cores !== null || u.kind === "cuda") return u;
    const first = next % cores;
    const last = Math.min(first + u.threads - 1, cores - 1);
    next += u.threads;
    const range = first === last ? String(first) : `${first}-${last}`;
    return {...u, spec: `${u.spec}@${range}`, cores: range};
  }));
}

/** taskset from util-linux, if this machine has it (pinning needs it). */
export function tasksetPath(): string | null {
  for (const p of ["/usr/bin/taskset", "/bin/taskset", "/usr/local/bin/taskset"]) if (existsSync(p)) return p;
  return null;
}

export function describeUnits(units: readonly UnitSpec[]): string {
  return units.map((u) => u.label).join(", ");
}
