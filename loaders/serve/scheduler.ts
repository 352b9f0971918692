// The request queue between the HTTP frontend and the model instances: requests wait here
// (QUEUE_START), the dynamic batcher decides what goes together, the batch's inputs are joined along
// the batch dimension (COMPUTE_START), an idle instance runs it (COMPUTE_INPUT_END and
// COMPUTE_OUTPUT_START, taken in the worker), and the outputs are split back per request (COMPUTE_END).

import {decideBatch, type BatchPolicy} from "./batcher.ts";
import type {InferRequest} from "./infer-request.ts";
import type {OutputTensor} from "./infer-response.ts";
import type {Instance, WorkerTensor} from "./instances.ts";
import type {ModelDef} from "./model.ts";
import {DATATYPES, datatypeOfOrt, type TypedArray} from "./protocol.ts";
import type {ModelStatistics} from "./statistics.ts";

const now = () => process.hrtime.bigint();

export interface ExecTimes {
  queueStart: bigint;
  computeStart: bigint;
  computeInputEnd: bigint;
  computeOutputStart: bigint;
  computeEnd: bigint;
  /** Rows in the executed batch this request was part of. */
  executedBatch: number;
}

interface Pending {
  req: InferRequest;
  batch: number;
  queuedAt: bigint;
  resolve(r: {outputs: Map<string, OutputTensor>; times: ExecTimes}): void;
  reject(e: Error): void;
}

const ARRAYS: Record<string, new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array
};

export class Scheduler {
  private readonly queue: Pending[] = [];
  /** The pending wake-up for the queue delay: a timer, or the setImmediate spin of its last millisecond. */
  private timer: {cancel(): void} | null = null;
  private inFlight = 0;

  constructor(
    private readonly def: ModelDef,
    private readonly instances: Instance[],
    private readonly policy: BatchPolicy,
    private readonly stats: ModelStatistics
  ) {}

  enqueue(req: InferRequest): {queueStart: bigint; done: Promise<{outputs: Map<string, OutputTensor>; times: ExecTimes}>} {
    const queuedAt = now();
    const done = new Promise<{outputs: Map<string, OutputTensor>; times: ExecTimes}>((resolve, reject) => {
      this.queue.push({req, batch: req.batch, queuedAt, resolve, reject});
    });
    this.pump();
    return {queueStart: queuedAt, done};
  }

  /** Requests waiting or executing. */
  get busy(): number {
    return this.queue.length + this.inFlight;
  }

  private pump(): void {
    for (;;) {
      const idle = this.instances.find((i) => !i.busy);
      if (!idle || this.queue.length === 0) return;
      const d = decideBatch(this.queue, now(), this.policy);
      if (d === null) return;
      if ("waitNs" in d) {
        if (this.timer === null) this.timer = this.wakeIn(Number(d.waitNs) / 1e6);
        return;
      }
      if (this.timer !== null) {
        this.timer.cancel();
        this.timer = null;
      }
      const items = this.queue.splice(0, d.take);
      this.execute(idle, items);
    }
  }

  /**
   * Call pump() again in `ms`. Node's timers fire a millisecond or more late, which would turn a
   * sub-millisecond --max-queue-delay-us into ~1.1 ms; so the timer covers all but the last millisecond
   * and setImmediate turns round the event loop for the rest (other I/O still runs in between).
   */
  private wakeIn(ms: number): {cancel(): void} {
    const wake = () => {
      this.timer = null;
      this.pump();
    };
    if (ms > 1.5) {
      const t = setTimeout(wake, ms - 1);
      return {cancel: () => clearTimeout(t)};
    }
    const i = setImmediate(wake);
    return {cancel: () => clearImmediate(i)};
  }

  private execute(instance: Instance, items: Pending[]): void {
    instance.busy = true;
    this.inFlight += items.length;
    const computeStart = now();
    const rows = items.reduce((a, p) => a + p.batch, 0);
    const inputs: WorkerTensor[] = this.def.inputs.map((d, k) => {
      const dt = DATATYPES[d.datatype];
      if (items.length === 1) {
        const t = items[0].req.inputs[k];
        return {name: d.name, type: dt.ort, dims: t.shape, buffer: t.data.buffer as ArrayBuffer, byteOffset: t.data.byteOffset, length: t.data.length};
      }
      const total = items.reduce((a, p) => a + p.req.inputs[k].data.byteLength, 0);
      const joined = new Uint8Array(total);
      let o = 0;
      for (const p of items) {
        const t = p.req.inputs[k].data;
        joined.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), o);
        o += t.byteLength;
      }
      return {name: d.name, type: dt.ort, dims: [rows, ...items[0].req.inputs[k].shape.slice(1)], buffer: joined.buffer, length: total / dt.bytes};
    });
    instance
      .run(inputs)
      .then((r) => {
        // Split each output along the batch dimension, one view per request.
        const per = items.map(() => new Map<string, OutputTensor>());
        for (const t of r.outputs) {
          const Arr = ARRAYS[t.type] ?? Float32Array;
          const all = new Arr(t.buffer, 0, t.buffer.byteLength / (datatypeOfOrt(t.type) ? DATATYPES[datatypeOfOrt(t.type)!].bytes : 4));
          if (items.length === 1) {
            per[0].set(t.name, {name: t.name, type: t.type, dims: t.dims, data: all});
            continue;
          }
          const rowSize = all.length / t.dims[0];
          let row = 0;
          items.forEach((p, i) => {
            per[i].set(t.name, {name: t.name, type: t.type, dims: [p.batch, ...t.dims.slice(1)], data: all.subarray(row * rowSize, (row + p.batch) * rowSize)});
            row += p.batch;
          });
        }
        const computeEnd = now();
        this.stats.execution(rows, computeStart, r.inputEndNs, r.outputStartNs, computeEnd);
        items.forEach((p, i) =>
          p.resolve({outputs: per[i], times: {queueStart: p.queuedAt, computeStart, computeInputEnd: r.inputEndNs, computeOutputStart: r.outputStartNs, computeEnd, executedBatch: rows}})
        );
      })
      .catch((error: Error) => {
        for (const p of items) p.reject(error);
      })
      .finally(() => {
        instance.busy = false;
        this.inFlight -= items.length;
        this.pump();
      });
  }

  /** Fail everything still queued (the server is stopping). */
  drain(reason: string): void {
    this.timer?.cancel();
    this.timer = null;
    for (const p of this.queue.splice(0)) p.reject(new Error(reason));
  }
}
