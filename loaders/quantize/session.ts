// onnxruntime-node sessions on in-memory models, for calibration and agreement runs: the model bytes
// in, named float outputs back. (Timed runs go through the bench child process instead.)

import os from "node:os";
import * as ort from "onnxruntime-node";
import {DataType, onnx, type ModelProto} from "../models/onnx.ts";

export type OptLevel = "disabled" | "basic" | "extended" | "all";

export interface Runner {
  inputName: string;
  inputType: string;
  outputNames: readonly string[];
  run(input: Float32Array | Uint8Array, shape: number[], fetch?: readonly string[]): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
}

export async function openRunner(model: ModelProto | Uint8Array, {opt = "all", threads = os.availableParallelism(), optimizedModelFile}: {opt?: OptLevel; threads?: number; optimizedModelFile?: string} = {}): Promise<Runner> {
  const bytes = model instanceof Uint8Array ? model : onnx.ModelProto.encode(model).finish();
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: opt,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    executionProviders: ["cpu"],
    ...(optimizedModelFile ? {optimizedModelFilePath: optimizedModelFile} : {})
  });
  const meta = session.inputMetadata[0] as {name: string; type?: string} | undefined;
  return {
    inputName: session.inputNames[0],
    inputType: meta && "type" in meta ? String(meta.type) : "float32",
    outputNames: session.outputNames,
    async run(input, shape, fetch) {
      const tensor = new ort.Tensor(input instanceof Uint8Array ? "uint8" : "float32", input, shape);
      const feeds = {[session.inputNames[0]]: tensor};
      const out = fetch ? await session.run(feeds, [...fetch]) : await session.run(feeds);
      const result: Record<string, Float32Array> = {};
      for (const [name, t] of Object.entries(out)) {
        if (t.type === "float32") result[name] = t.data as Float32Array;
        t.dispose?.();
      }
      return result;
    },
    release: () => session.release()
  };
}

/** The model with extra float tensors exposed as graph outputs (type only: ORT infers the shapes). */
export function withOutputs(model: ModelProto, names: readonly string[]): ModelProto {
  const graph = model.graph ?? {};
  const have = new Set((graph.output ?? []).map((o) => o.name));
  const extra = names.filter((n) => !have.has(n)).map((name) => ({name, type: {tensorType: {elemType: DataType.FLOAT}}}));
  return {...model, graph: {...graph, output: [...(graph.output ?? []), ...extra]}};
}
