// Inference sessions for the runtimes inferscope benchmarks, behind one small interface.
//   ort-cpu   onnxruntime-node, CPU execution provider
//   ort-wasm  onnxruntime-web, WASM backend, inside Node
//   ort-cuda  onnxruntime-node, CUDA execution provider (only where an NVIDIA GPU and CUDA are present)

import {readFile} from "node:fs/promises";
import {mulberry32} from "../common/random.ts";
import {RUNTIMES, type RuntimeName} from "./config.ts";

export {mulberry32};

export interface OpenSession {
  /** One inference of the prepared inputs (the timed call). */
  run(): Promise<unknown>;
  release(): Promise<void>;
  session_create_ms: number;
  /** Input shapes actually fed, e.g. {input: [4,3,224,224]}. */
  input_shapes: Record<string, number[]>;
}

export interface SessionOptions {
  runtime: RuntimeName;
  modelFile: string;
  threads: number;
  batch: number;
  optLevel: "disabled" | "basic" | "extended" | "all";
  /** Seed for the generated input values. */
  seed?: number;
  /** ORT profiling, for per-operator timings (profile file prefix). */
  profilePrefix?: string;
  /** Where ORT saves the optimized graph (for fusion maps). */
  optimizedModelFile?: string;
}

interface InputMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

/** Concrete input shape: the first symbolic (or -1) dimension is the batch; others must be fixed. */
export function concreteShape(meta: InputMeta, batch: number, modelFile: string): number[] {
  const shape = meta.shape ?? [];
  return shape.map((d, i) => {
    if (typeof d === "number" && d > 0) {
      if (i === 0 && d !== batch) {
        throw new Error(`${modelFile}: input '${meta.name}' has a fixed batch dimension of ${d}, cannot run batch ${batch}; export the model with a symbolic batch dimension or use --batch ${d}`);
      }
      return d;
    }
    if (i === 0) return batch;
    throw new Error(`${modelFile}: input '${meta.name}' has a symbolic dimension '${d}' at position ${i}; only the first (batch) dimension may be symbolic`);
  });
}

type TensorCtor = new (type: string, data: unknown, dims: readonly number[]) => unknown;

export function makeFeeds(Tensor: TensorCtor, inputs: readonly InputMeta[], batch: number, modelFile: string, seed = 42): {feeds: Record<string, unknown>; shapes: Record<string, number[]>} {
  const random = mulberry32(seed);
  const feeds: Record<string, unknown> = {};
  const shapes: Record<string, number[]> = {};
  for (const meta of inputs) {
    if (!meta.isTensor) throw new Error(`${modelFile}: input '${meta.name}' is not a tensor; only tensor inputs can be generated`);
    const dims = concreteShape(meta, batch, modelFile);
    const size = dims.reduce((a, b) => a * b, 1);
    let data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
    switch (meta.type) {
      case "float32":
        data = new Float32Array(size);
        for (let i = 0; i < size; i++) data[i] = random();
        break;
      case "int64":
        data = new BigInt64Array(size);
        break;
      case "int32":
        data = new Int32Array(size);
        break;
      case "uint8":
      case "bool":
        data = new Uint8Array(size);
        break;
      default:
        throw new Error(`${modelFile}: input '${meta.name}' has element type ${meta.type}, which inferscope cannot generate yet`);
    }
    feeds[meta.name] = new Tensor(meta.type, data, dims);
    shapes[meta.name] = dims;
  }
  return {feeds, shapes};
}

interface OrtLike {
  InferenceSession: {create(model: string | Uint8Array, options: Record<string, unknown>): Promise<OrtSession>};
  Tensor: TensorCtor;
  env: {wasm: {numThreads?: number; simd?: boolean}};
}

interface OrtSession {
  inputMetadata: readonly InputMeta[];
  run(feeds: Record<string, unknown>): Promise<unknown>;
  release(): Promise<void>;
  endProfiling(): void | Promise<void>;
}

export async function openSession(options: SessionOptions): Promise<OpenSession & {endProfiling(): Promise<void>}> {
  const {runtime, modelFile, threads, batch, optLevel} = options;
  const sessionOptions: Record<string, unknown> = {graphOptimizationLevel: optLevel, intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential"};
  if (options.profilePrefix) Object.assign(sessionOptions, {enableProfiling: true, profileFilePrefix: options.profilePrefix});
  if (options.optimizedModelFile) sessionOptions.optimizedModelFilePath = options.optimizedModelFile;
  let ort: OrtLike;
  let model: string | Uint8Array = modelFile;
  if (runtime === "ort-wasm") {
    ort = (await import("onnxruntime-web")) as unknown as OrtLike;
    ort.env.wasm.numThreads = threads;
    sessionOptions.executionProviders = ["wasm"];
    delete sessionOptions.intraOpNumThreads;
    model = new Uint8Array(await readFile(modelFile));
  } else {
    ort = (await import("onnxruntime-node")) as unknown as OrtLike;
    sessionOptions.executionProviders = [RUNTIMES[runtime].provider];
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(model, sessionOptions);
  const session_create_ms = performance.now() - t0;
  const {feeds, shapes} = makeFeeds(ort.Tensor, session.inputMetadata, batch, modelFile, options.seed);
  return {
    run: () => session.run(feeds),
    release: () => session.release(),
    endProfiling: async () => {
      await session.endProfiling();
    },
    session_create_ms,
    input_shapes: shapes
  };
}
