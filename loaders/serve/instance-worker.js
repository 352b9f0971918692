// One model instance: an onnxruntime-node session in its own worker thread (a session does not run
// two inferences at once; instances on separate threads do). Plain JavaScript that imports only npm
// packages, because worker threads cannot load .ts files under tsx.
//
// workerData: {modelFile, threads, optLevel}
// -> {type: "ready", inputs: [{name, type, shape}], outputs: [{name, type, shape}]} | {type: "error", message}
// <- {type: "run", id, inputs: [{name, type, dims, buffer}]}   (buffers transferred)
// -> {type: "done", id, inputEndNs, outputStartNs, outputs: [{name, type, dims, buffer}]} | {type: "failed", id, message}
// Times are process.hrtime.bigint() (CLOCK_MONOTONIC, shared by every thread of the process), sent as strings.

import {parentPort, workerData} from "node:worker_threads";
import * as ort from "onnxruntime-node";

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array
};

function meta(list) {
  return list.map((m) => ({name: m.name, type: m.isTensor ? m.type : "non-tensor", shape: m.isTensor ? m.shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1)) : []}));
}

let session;
try {
  session = await ort.InferenceSession.create(workerData.modelFile, {
    graphOptimizationLevel: workerData.optLevel ?? "all",
    intraOpNumThreads: workerData.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    executionProviders: ["cpu"]
  });
  parentPort.postMessage({type: "ready", inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata)});
} catch (error) {
  parentPort.postMessage({type: "error", message: String(error?.message ?? error).split("\n")[0]});
}

parentPort.on("message", async (msg) => {
  if (msg.type !== "run") return;
  try {
    const feeds = {};
    for (const t of msg.inputs) {
      const Arr = ARRAYS[t.type];
      if (!Arr) throw new Error(`input '${t.name}': element type ${t.type} is not supported by the reference server`);
      feeds[t.name] = new ort.Tensor(t.type, new Arr(t.buffer, t.byteOffset ?? 0, t.length), t.dims);
    }
    const inputEndNs = process.hrtime.bigint();
    const results = await session.run(feeds);
    const outputStartNs = process.hrtime.bigint();
    const outputs = [];
    const transfer = [];
    for (const [name, tensor] of Object.entries(results)) {
      const data = tensor.data;
      // Copy out of ORT's buffer into one this thread owns, so it can be transferred.
      const copy = new data.constructor(data.length);
      copy.set(data);
      outputs.push({name, type: tensor.type, dims: Array.from(tensor.dims), buffer: copy.buffer});
      transfer.push(copy.buffer);
      tensor.dispose?.();
    }
    parentPort.postMessage({type: "done", id: msg.id, inputEndNs: String(inputEndNs), outputStartNs: String(outputStartNs), outputs}, transfer);
  } catch (error) {
    parentPort.postMessage({type: "failed", id: msg.id, message: String(error?.message ?? error).split("\n")[0]});
  }
});
