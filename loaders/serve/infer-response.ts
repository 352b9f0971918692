// Writing an inference response: outputs as JSON `data`, or (binary tensor data extension) as raw
// little-endian bytes after the JSON, with `parameters.binary_data_size` and the
// Inference-Header-Content-Length header.

import {datatypeOfOrt, type TypedArray} from "./protocol.ts";
import type {RequestedOutput} from "./infer-request.ts";

export interface OutputTensor {
  name: string;
  /** ONNX Runtime type of the data. */
  type: string;
  dims: number[];
  data: TypedArray;
}

export interface EncodedResponse {
  body: Buffer;
  headers: Record<string, string>;
}

export function encodeInferResponse(model: string, version: string, id: string | undefined, requested: RequestedOutput[], outputs: Map<string, OutputTensor>): EncodedResponse {
  const parts: Buffer[] = [];
  const out = requested.map((r) => {
    const t = outputs.get(r.name)!;
    const datatype = datatypeOfOrt(t.type) ?? "FP32";
    const base = {name: r.name, datatype, shape: t.dims};
    if (r.binary) {
      const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      parts.push(bytes);
      return {...base, parameters: {binary_data_size: bytes.length}};
    }
    const data = t.data instanceof BigInt64Array || t.data instanceof BigUint64Array ? Array.from(t.data, Number) : datatype === "BOOL" ? Array.from(t.data as Uint8Array, (v) => v !== 0) : Array.from(t.data as Float32Array);
    return {...base, data};
  });
  const json = Buffer.from(JSON.stringify({model_name: model, model_version: version, ...(id !== undefined ? {id} : {}), outputs: out}));
  if (parts.length === 0) return {body: json, headers: {"content-type": "application/json"}};
  return {body: Buffer.concat([json, ...parts]), headers: {"content-type": "application/octet-stream", [ "inference-header-content-length"]: String(json.length)}};
}
