// Unit processes: one long-lived child per unit (`node --import tsx worker.ts`, under `taskset -c`
// when pinned) that loads its session once and then runs batches on request, so that timings measure
// inference, not process start-up. Worker threads are not used: they cannot load .ts under tsx.
//
// runSplit() starts every unit with a share on the same go signal (the requests go out back to back)
// and times, in this process, when each one finishes; the makespan is the last of them.

import {spawn, type ChildProcess} from "node:child_process";
import {fileURLToPath} from "node:url";
import {UserError} from "../common/errors.ts";
import type {OptLevel} from "../bench/config.ts";
import type {UnitConfig, UnitMessage, UnitRequest} from "./protocol.ts";
import {tasksetPath, type UnitSpec} from "./units.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

type Pending = {resolve: (m: UnitMessage & {type: "reply"}) => void; reject: (e: Error) => void};
type Op = {op: "prepare"; batch: number} | {op: "run"; batch: number} | {op: "ping"};

export class UnitProcess {
  readonly unit: UnitSpec;
  session_create_ms = 0;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = "";
  private dead: Error | null = null;

  private constructor(unit: UnitSpec, child: ChildProcess) {
    this.unit = unit;
    this.child = child;
    child.stderr?.on("data", (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    child.on("message", (m: UnitMessage) => {
      if (m.type !== "reply") return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m);
    });
    child.on("exit", (code, signal) => {
      this.dead = new UserError(`unit ${unit.label}: its process ended (${signal ?? `exit code ${code}`})${this.stderrTail.trim() ? `: ${this.stderrTail.trim().split("\n").slice(-2).join(" ")}` : ""}`, {
        hint: "A unit that runs out of memory at a large batch ends like this: try a smaller --max-batch or --batch"
      });
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    });
  }

  /** Start the unit's process and wait until its session is loaded. */
  static async start(unit: UnitSpec, {modelFile, optLevel, timeoutMs = 300_000}: {modelFile: string; optLevel: OptLevel; timeoutMs?: number}): Promise<UnitProcess> {
    const config: UnitConfig = {runtime: unit.runtime, modelFile, threads: unit.threads, optLevel, device: unit.device};
    const node = [process.execPath, "--import", TSX, WORKER, JSON.stringify(config)];
    let command = node[0];
    let args = node.slice(1);
    if (unit.cores !== null) {
      const taskset = tasksetPath();
      if (!taskset) throw new UserError(`unit ${unit.label} is pinned to cores ${unit.cores}, but taskset is not installed`, {hint: "Install util-linux (taskset), or drop @cores from --units"});
      command = taskset;
      args = ["-c", unit.cores, ...node];
    }
    // Each unit's own thread count; keep OpenMP-style knobs from adding threads behind its back.
    const child = spawn(command, args, {stdio: ["ignore", "ignore", "pipe", "ipc"], env: {...process.env, OMP_NUM_THREADS: String(unit.threads)}});
    const proc = new UnitProcess(unit, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new UserError(`unit ${unit.label}: the session did not load within ${Math.round(timeoutMs / 1000)} s`, {hint: "A very large model on WASM can take long; try a smaller model"}));
      }, timeoutMs);
      const onMessage = (m: UnitMessage) => {
        if (m.type === "ready") {
          proc.session_create_ms = m.session_create_ms;
          done();
          resolve();
        } else if (m.type === "failed") {
          done();
          reject(new UserError(`unit ${unit.label} cannot load the model: ${m.error}`, {hint: unit.kind === "cuda" ? "CUDA units need an NVIDIA GPU with CUDA and onnxruntime-node's CUDA provider" : "Check that the model runs with `inferscope bench --model ...`"}));
        }
      };
      const onExit = () => {
        done();
        reject(proc.dead ?? new UserError(`unit ${unit.label}: its process ended before loading the model`));
      };
      const done = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
    });
    return proc;
  }

  /** Send one request; resolves with the reply (a failed request rejects with the unit's error). */
  request(op: Op): Promise<{ms?: number}> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<UnitMessage & {type: "reply"}>((resolve, reject) => {
      this.pending.set(id, {resolve, reject});
      this.child.send({id, ...op} as UnitRequest);
    }).then((reply) => {
      if (!reply.ok) throw new UserError(`unit ${this.unit.label}: ${reply.error}`);
      return {ms: reply.ms};
    });
  }

  prepare(batch: number): Promise<unknown> {
    return this.request({op: "prepare", batch});
  }

  /** Close the channel (the process releases its session and exits); kill it if it lingers. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}

export interface SplitTiming {
  /** Go signal until the last unit finished, ms (this process's clock). */
  makespan_ms: number;
  /** Go signal until each unit finished, ms; null for units with a share of 0. */
  unit_ms: (number | null)[];
  /** Each unit's own session.run time, ms. */
  compute_ms: (number | null)[];
}

/** Run one split: every unit with a share starts on the same go signal. */
export async function runSplit(units: readonly UnitProcess[], shares: readonly number[]): Promise<SplitTiming> {
  const unit_ms: (number | null)[] = shares.map(() => null);
  const compute_ms: (number | null)[] = shares.map(() => null);
  const t0 = performance.now();
  const work = units.map((u, i) =>
    shares[i] > 0
      ? u.request({op: "run", batch: shares[i]}).then((r) => {
          unit_ms[i] = performance.now() - t0;
          compute_ms[i] = r.ms ?? null;
        })
      : null
  );
  await Promise.all(work);
  const makespan_ms = Math.max(0, ...unit_ms.map((x) => x ?? 0));
  return {makespan_ms, unit_ms, compute_ms};
}

/** Start every unit (in parallel); if one fails, the others are stopped and the error is thrown. */
export async function startUnits(units: readonly UnitSpec[], o: {modelFile: string; optLevel: OptLevel; timeoutMs?: number}): Promise<UnitProcess[]> {
  const results = await Promise.allSettled(units.map((u) => UnitProcess.start(u, o)));
  const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
  if (failed) {
    await Promise.all(results.map((r) => (r.status === "fulfilled" ? r.value.close() : undefined)));
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<UnitProcess>).value);
}

export async function closeUnits(units: readonly UnitProcess[]): Promise<void> {
  await Promise.all(units.map((u) => u.close()));
}
