// The KServe v2 / Triton HTTP protocol pieces the reference server and the load generator share:
// tensor data types, the error shape, and the binary tensor data extension's header.
//
// Sources (read via the search tool): kserve/kserve docs/predict-api/v2/required_api.md (health,
// metadata, infer; errors are `{"error": "<message>"}` with a non-200 status), Triton's
// docs/protocol/extension_binary_data.md (`Inference-Header-Content-Length`, per-tensor
// `parameters.binary_data_size`, outputs asked for with `parameters.binary_data`, the request-level
// `binary_data_output`), extension_statistics.md and extension_trace.md.

/** Header carrying the byte length of the JSON part of a body that also holds binary tensors. */
export const HEADER_LENGTH = "inference-header-content-length";

/** KServe v2 datatype -> ONNX Runtime tensor type and the typed array holding it. BYTES and FP16 are not served. */
export const DATATYPES = {
  BOOL: {ort: "bool", bytes: 1},
  UINT8: {ort: "uint8", bytes: 1},
  UINT16: {ort: "uint16", bytes: 2},
  UINT32: {ort: "uint32", bytes: 4},
  UINT64: {ort: "uint64", bytes: 8},
  INT8: {ort: "int8", bytes: 1},
  INT16: {ort: "int16", bytes: 2},
  INT32: {ort: "int32", bytes: 4},
  INT64: {ort: "int64", bytes: 8},
  FP32: {ort: "float32", bytes: 4},
  FP64: {ort: "float64", bytes: 8}
} as const;

export type Datatype = keyof typeof DATATYPES;

export function isDatatype(s: unknown): s is Datatype {
  return typeof s === "string" && Object.hasOwn(DATATYPES, s);
}

const FROM_ORT: Record<string, Datatype> = Object.fromEntries(Object.entries(DATATYPES).map(([k, v]) => [v.ort, k as Datatype]));

export function datatypeOfOrt(type: string): Datatype | undefined {
  return FROM_ORT[type];
}

export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A typed array of `length` elements of `dt`, over a fresh buffer or a copy of `bytes`. */
export function typedArray(dt: Datatype, length: number, bytes?: Uint8Array): TypedArray {
  const size = length * DATATYPES[dt].bytes;
  const buf = new ArrayBuffer(size);
  if (bytes) new Uint8Array(buf).set(bytes.subarray(0, size));
  switch (dt) {
    case "BOOL":
    case "UINT8":
      return new Uint8Array(buf);
    case "UINT16":
      return new Uint16Array(buf);
    case "UINT32":
      return new Uint32Array(buf);
    case "UINT64":
      return new BigUint64Array(buf);
    case "INT8":
      return new Int8Array(buf);
    case "INT16":
      return new Int16Array(buf);
    case "INT32":
      return new Int32Array(buf);
    case "INT64":
      return new BigInt64Array(buf);
    case "FP32":
      return new Float32Array(buf);
    case "FP64":
      return new Float64Array(buf);
  }
}

/** An error the server answers with `{"error": message}` and this HTTP status. */
export class ProtocolError extends Error {
  /** Answer without reading the rest of the body, and close the connection afterwards. */
  readonly close: boolean;
  constructor(
    readonly status: number,
    message: string,
    opts: {close?: boolean} = {}
  ) {
    super(message);
    this.name = "ProtocolError";
    this.close = opts.close ?? false;
  }
}

/** One tensor as the metadata endpoint describes it: -1 for a variable dimension. */
export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** GET /v2/models/<m> (KServe v2 model metadata). */
export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** One duration counter of Triton's statistics extension. */
export interface StatDuration {
  count: number;
  ns: number;
}

export interface InferStats {
  success: StatDuration;
  fail: StatDuration;
  queue: StatDuration;
  compute_input: StatDuration;
  compute_infer: StatDuration;
  compute_output: StatDuration;
  cache_hit: StatDuration;
  cache_miss: StatDuration;
}

export interface BatchStats {
  batch_size: number;
  compute_input: StatDuration;
  compute_infer: StatDuration;
  compute_output: StatDuration;
}

/** One entry of `model_stats` in GET /v2/models[/<m>]/stats. */
export interface ModelStats {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: InferStats;
  batch_stats: BatchStats[];
}

export const STAT_KEYS = ["success", "fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit", "cache_miss"] as const;
