// Real ONNX Runtime graphs for the fusion-map tests: the zoo model saved by onnxruntime-node at each
// optimization level (optimizedModelFilePath), as the profile collector saves them.
import * as ort from "onnxruntime-node";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {readGraph, type GraphView} from "../../../loaders/profile/graph.ts";

export type Level = "disabled" | "basic" | "extended" | "all";

/** Save `model` as ORT optimizes it at `level` into dir and read the graph back. */
export async function ortGraph(modelFile: string, level: Level, dir: string, extra?: Record<string, unknown>): Promise<GraphView> {
  const file = join(dir, `${level}${extra ? "-extra" : ""}.onnx`);
  const session = await ort.InferenceSession.create(modelFile, {graphOptimizationLevel: level, optimizedModelFilePath: file, intraOpNumThreads: 1, ...(extra ? {extra} : {})});
  await session.release();
  return readGraph(new Uint8Array(await readFile(file)), file);
}
