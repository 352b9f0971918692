// One inference session per unit, loaded once and run at any batch size: the model's batch dimension
// is symbolic, so only the inputs change with the share. (bench/runtimes.ts's openSession binds one
// batch size to a session; a unit process runs many sizes, so it keeps the session and makes inputs
// per size with the same generator, makeFeeds, seeded the same way.)

import {readFile} from "node:fs/promises";
import {RUNTIMES, type OptLevel, type RuntimeName} from "../bench/config.ts";
import {makeFeeds} from "../bench/runtimes.ts";

export interface UnitSessionOptions {
  runtime: RuntimeName;
  modelFile: string;
  threads: number;
  optLevel: OptLevel;
  /** CUDA device index (ort-cuda). */
  device?: number | null;
}

interface InputMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

interface OrtLike {
  InferenceSession: {create(model: string | Uint8Array, options: Record<string, unknown>): Promise<OrtSession>};
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
  env: {wasm: {numThreads?: number}};
}

interface OrtSession {
  inputMetadata: readonly InputMeta[];
  run(feeds: Record<string, unknown>): Promise<unknown>;
  release(): Promise<void>;
}

export interface UnitSession {
  session_create_ms: number;
  /** Make (and keep) the inputs for `batch` items: outside any timed region. */
  prepare(batch: number): void;
  /** One inference of `batch` items; returns its time in ms as this process saw it. */
  run(batch: number): Promise<number>;
  release(): Promise<void>;
}

export async function openUnitSession(o: UnitSessionOptions): Promise<UnitSession> {
  const options: Record<string, unknown> = {graphOptimizationLevel: o.optLevel, intraOpNumThreads: o.threads, interOpNumThreads: 1, executionMode: "sequential"};
  let ort: OrtLike;
  let model: string | Uint8Array = o.modelFile;
  if (o.runtime === "ort-wasm") {
    ort = (await import("onnxruntime-web")) as unknown as OrtLike;
    ort.env.wasm.numThreads = o.threads;
    options.executionProviders = ["wasm"];
    delete options.intraOpNumThreads;
    model = new Uint8Array(await readFile(o.modelFile));
  } else {
    ort = (await import("onnxruntime-node")) as unknown as OrtLike;
    const provider = RUNTIMES[o.runtime].provider;
    options.executionProviders = provider === "cuda" ? [{name: "cuda", deviceId: o.device ?? 0}] : [provider];
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(model, options);
  const session_create_ms = performance.now() - t0;
  const feeds = new Map<number, Record<string, unknown>>();
  const prepare = (batch: number) => {
    if (feeds.has(batch)) return;
    // Several sizes are kept: a run alternates each unit's shares under several planners and the
    // whole batch, and inputs made inside a timed request would be timed. A 64-image batch of 224x224
    // inputs is 38 MB, so beyond eight sizes the oldest are dropped.
    if (feeds.size >= 8) feeds.delete(feeds.keys().next().value!);
    feeds.set(batch, makeFeeds(ort.Tensor, session.inputMetadata, batch, o.modelFile).feeds);
  };
  return {
    session_create_ms,
    prepare,
    async run(batch) {
      prepare(batch);
      const f = feeds.get(batch)!;
      const start = performance.now();
      await session.run(f);
      return performance.now() - start;
    },
    release: () => session.release()
  };
}
