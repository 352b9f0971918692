// Model instances: one worker thread per instance, each with its own onnxruntime-node session
// (instance-worker.js). The pool hands out idle instances and runs one batch at a time on each.

import {Worker} from "node:worker_threads";
import type {SessionTensorMeta} from "./model.ts";

export interface WorkerTensor {
  name: string;
  type: string;
  dims: number[];
  buffer: ArrayBuffer;
  byteOffset?: number;
  length?: number;
}

export interface ExecResult {
  inputEndNs: bigint;
  outputStartNs: bigint;
  outputs: WorkerTensor[];
}

export class Instance {
  busy = false;
  private waiting = new Map<number, {resolve(r: ExecResult): void; reject(e: Error): void}>();
  private nextId = 0;

  constructor(
    readonly index: number,
    private readonly worker: Worker
  ) {
    worker.on("message", (msg: {type: string; id: number; inputEndNs: string; outputStartNs: string; outputs: WorkerTensor[]; message: string}) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.type === "done") w.resolve({inputEndNs: BigInt(msg.inputEndNs), outputStartNs: BigInt(msg.outputStartNs), outputs: msg.outputs});
      else w.reject(new Error(msg.message));
    });
    worker.on("error", (error) => {
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    });
  }

  run(inputs: WorkerTensor[]): Promise<ExecResult> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {resolve, reject});
      this.worker.postMessage({type: "run", id, inputs}, inputs.map((t) => t.buffer));
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface PoolOptions {
  modelFile: string;
  instances: number;
  threads: number;
  optLevel?: string;
}

/** Start the instances and wait until every session is loaded; the first one's inputs and outputs describe the model. */
export async function startInstances(opts: PoolOptions): Promise<{instances: Instance[]; inputs: SessionTensorMeta[]; outputs: SessionTensorMeta[]}> {
  const url = new URL("./instance-worker.js", import.meta.url);
  const started = await Promise.allSettled(
    Array.from({length: opts.instances}, (_, i) => {
      const worker = new Worker(url, {workerData: {modelFile: opts.modelFile, threads: opts.threads, optLevel: opts.optLevel ?? "all"}});
      return new Promise<{instance: Instance; inputs: SessionTensorMeta[]; outputs: SessionTensorMeta[]}>((resolve, reject) => {
        const onMessage = (msg: {type: string; message?: string; inputs: SessionTensorMeta[]; outputs: SessionTensorMeta[]}) => {
          worker.off("message", onMessage);
          if (msg.type === "ready") resolve({instance: new Instance(i, worker), inputs: msg.inputs, outputs: msg.outputs});
          else {
            void worker.terminate();
            reject(new Error(msg.message ?? "the model instance failed to start"));
          }
        };
        worker.on("message", onMessage);
        worker.once("error", reject);
      });
    })
  );
  const failed = started.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
  if (failed) {
    await Promise.all(started.filter((s) => s.status === "fulfilled").map((s) => (s as PromiseFulfilledResult<{instance: Instance}>).value.instance.terminate()));
    throw failed.reason;
  }
  const ok = started.map((s) => (s as PromiseFulfilledResult<{instance: Instance; inputs: SessionTensorMeta[]; outputs: SessionTensorMeta[]}>).value);
  return {instances: ok.map((o) => o.instance), inputs: ok[0].inputs, outputs: ok[0].outputs};
}
