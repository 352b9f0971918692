// What the server knows about the model it serves: names, datatypes and shapes as the KServe v2
// metadata endpoint and Triton's model configuration describe them, taken from the ONNX session.

import {ProtocolError, datatypeOfOrt, type Datatype, type ModelMetadata} from "./protocol.ts";

export interface TensorDef {
  name: string;
  datatype: Datatype;
  /** Dimensions without the batch dimension when the model batches (Triton's `dims`); -1 = variable. */
  dims: number[];
}

export interface ModelDef {
  name: string;
  version: string;
  /** Triton's max_batch_size: 0 when the model has no batch dimension (requests give full shapes). */
  maxBatchSize: number;
  inputs: TensorDef[];
  outputs: TensorDef[];
}

export interface SessionTensorMeta {
  name: string;
  type: string;
  shape: number[];
}

/**
 * The model definition from the session's inputs and outputs. The first dimension is the batch
 * when every input and output has a variable first dimension; then max_batch_size is `maxBatch`.
 */
export function modelDef(name: string, inputs: SessionTensorMeta[], outputs: SessionTensorMeta[], maxBatch: number): ModelDef {
  const conv = (m: SessionTensorMeta, kind: string): {name: string; datatype: Datatype; shape: number[]} => {
    const datatype = datatypeOfOrt(m.type);
    if (!datatype) throw new Error(`${kind} '${m.name}' has element type ${m.type}, which the reference server does not serve`);
    return {name: m.name, datatype, shape: m.shape};
  };
  const ins = inputs.map((m) => conv(m, "input"));
  const outs = outputs.map((m) => conv(m, "output"));
  const batching = [...ins, ...outs].every((t) => t.shape.length > 0 && t.shape[0] === -1);
  const strip = (t: {name: string; datatype: Datatype; shape: number[]}): TensorDef => ({name: t.name, datatype: t.datatype, dims: batching ? t.shape.slice(1) : t.shape});
  return {name, version: "1", maxBatchSize: batching ? Math.max(1, maxBatch) : 0, inputs: ins.map(strip), outputs: outs.map(strip)};
}

export function metadataOf(def: ModelDef): ModelMetadata {
  const full = (t: TensorDef) => ({name: t.name, datatype: t.datatype, shape: def.maxBatchSize > 0 ? [-1, ...t.dims] : t.dims});
  return {name: def.name, versions: [def.version], platform: "onnxruntime_onnx", inputs: def.inputs.map(full), outputs: def.outputs.map(full)};
}

/** GET /v2/models/<m>/config: Triton's model configuration in its JSON form. */
export function configOf(def: ModelDef, opts: {dynamicBatching: boolean; preferred: number[]; maxQueueDelayUs: number; instances: number}): Record<string, unknown> {
  const t = (x: TensorDef) => ({name: x.name, data_type: `TYPE_${x.datatype === "FP32" ? "FP32" : x.datatype === "FP64" ? "FP64" : x.datatype}`, dims: x.dims});
  return {
    name: def.name,
    platform: "onnxruntime_onnx",
    backend: "onnxruntime",
    max_batch_size: def.maxBatchSize,
    input: def.inputs.map(t),
    output: def.outputs.map(t),
    ...(opts.dynamicBatching && def.maxBatchSize > 1 ? {dynamic_batching: {preferred_batch_size: opts.preferred, max_queue_delay_microseconds: opts.maxQueueDelayUs}} : {}),
    instance_group: [{name: def.name, kind: "KIND_CPU", count: opts.instances}]
  };
}

/** The model a URL names, or a 404 in Triton's words. Version "" or the served version. */
export function checkModel(def: ModelDef, name: string, version: string | undefined): void {
  if (name !== def.name) throw new ProtocolError(404, `Request for unknown model: '${name}' is not found`);
  if (version !== undefined && version !== "" && version !== def.version) {
    throw new ProtocolError(404, `Request for unknown model: '${name}' version ${version} is not found`);
  }
}
