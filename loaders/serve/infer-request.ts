// Reading an inference request (POST /v2/models/<m>/infer): JSON tensors or the binary tensor data
// extension, checked against the model the way Triton checks them, with Triton's error wording where
// it has one. Every problem is a ProtocolError(400) naming the input and what was expected.

import {DATATYPES, HEADER_LENGTH, ProtocolError, isDatatype, typedArray, type Datatype, type TypedArray} from "./protocol.ts";
import type {ModelDef} from "./model.ts";

export interface InputTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TypedArray;
}

export interface RequestedOutput {
  name: string;
  binary: boolean;
}

export interface InferRequest {
  /** The client's request id ("id"), echoed in the response and written to the trace header. */
  id?: string;
  /** Rows in this request's batch dimension (1 for models without one). */
  batch: number;
  /** In the model's input order. */
  inputs: InputTensor[];
  outputs: RequestedOutput[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const fmt = (s: readonly number[]) => `[${s.join(",")}]`;

/** Split the body into its JSON header and binary part. */
function splitBody(body: Buffer, headerLength: string | undefined): {json: string; binary: Buffer} {
  if (headerLength === undefined) return {json: body.toString("utf8"), binary: Buffer.alloc(0)};
  const n = Number(headerLength);
  if (!Number.isInteger(n) || n < 0 || n > body.length) {
    throw new ProtocolError(400, `Inference-Header-Content-Length is ${JSON.stringify(headerLength)} but the body has ${body.length} bytes; it must be the byte length of the JSON part`);
  }
  return {json: body.toString("utf8", 0, n), binary: body.subarray(n)};
}

function fromJsonData(name: string, dt: Datatype, data: unknown, count: number): TypedArray {
  if (!Array.isArray(data)) throw new ProtocolError(400, `input '${name}': 'data' must be an array (or use the binary data extension)`);
  const flat = (data as unknown[]).flat(Infinity as 1) as unknown[];
  if (flat.length !== count) {
    throw new ProtocolError(400, `unexpected number of elements for input '${name}': the shape holds ${count}, 'data' has ${flat.length}`);
  }
  const out = typedArray(dt, count);
  const big = dt === "INT64" || dt === "UINT64";
  for (let i = 0; i < count; i++) {
    const v = flat[i];
    if (dt === "BOOL") {
      if (typeof v !== "boolean") throw new ProtocolError(400, `input '${name}' has datatype BOOL but element ${i} is ${JSON.stringify(v)}; expected true or false`);
      out[i] = v ? 1 : 0;
    } else {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new ProtocolError(400, `input '${name}' has datatype ${dt} but element ${i} is ${JSON.stringify(v)}; expected a number`);
      if (big) {
        if (!Number.isInteger(v)) throw new ProtocolError(400, `input '${name}' has datatype ${dt} but element ${i} is ${v}; expected an integer`);
        (out as BigInt64Array)[i] = BigInt(v);
      } else (out as Float32Array)[i] = v;
    }
  }
  return out;
}

export function parseInferRequest(body: Buffer, headerLength: string | undefined, def: ModelDef): InferRequest {
  const {json, binary} = splitBody(body, headerLength);
  let req: unknown;
  try {
    req = JSON.parse(json);
  } catch (error) {
    throw new ProtocolError(400, `failed to parse the request JSON buffer: ${(error as Error).message}`);
  }
  if (!isObject(req)) throw new ProtocolError(400, "the request must be a JSON object with an 'inputs' array");
  const id = req.id === undefined ? undefined : typeof req.id === "string" ? req.id : null;
  if (id === null) throw new ProtocolError(400, "'id' must be a string");
  if (!Array.isArray(req.inputs)) throw new ProtocolError(400, "the request has no 'inputs' array");
  const params = isObject(req.parameters) ? req.parameters : {};
  const binaryDefault = params.binary_data_output === true;

  const byName = new Map<string, Record<string, unknown>>();
  for (const raw of req.inputs) {
    if (!isObject(raw) || typeof raw.name !== "string") throw new ProtocolError(400, "each input must be an object with a 'name'");
    if (byName.has(raw.name)) throw new ProtocolError(400, `input '${raw.name}' is given twice`);
    if (!def.inputs.some((d) => d.name === raw.name)) {
      throw new ProtocolError(400, `unexpected inference input '${raw.name}' for model '${def.name}'; it expects ${def.inputs.map((d) => `'${d.name}'`).join(", ")}`);
    }
    byName.set(raw.name, raw);
  }
  if (byName.size !== def.inputs.length) {
    const missing = def.inputs.filter((d) => !byName.has(d.name)).map((d) => `'${d.name}'`);
    throw new ProtocolError(400, `expected ${def.inputs.length} inputs but got ${byName.size} inputs for model '${def.name}' (missing ${missing.join(", ")})`);
  }

  let offset = 0;
  let batch = -1;
  const inputs: InputTensor[] = [];
  // Binary parts follow the JSON in the order the request lists its inputs.
  const binaryParts = new Map<string, Uint8Array>();
  for (const raw of req.inputs as Record<string, unknown>[]) {
    const p = isObject(raw.parameters) ? raw.parameters : {};
    if (p.binary_data_size === undefined) continue;
    const size = p.binary_data_size;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 0) throw new ProtocolError(400, `input '${raw.name}': binary_data_size must be a non-negative integer`);
    if (offset + size > binary.length) {
      throw new ProtocolError(400, `input '${raw.name}': binary_data_size ${size} runs past the end of the body (${binary.length - offset} binary bytes left)`);
    }
    binaryParts.set(raw.name as string, binary.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== binary.length) throw new ProtocolError(400, `the body has ${binary.length - offset} bytes after the last binary input`);

  for (const d of def.inputs) {
    const raw = byName.get(d.name)!;
    if (!isDatatype(raw.datatype)) throw new ProtocolError(400, `input '${d.name}': datatype ${JSON.stringify(raw.datatype)} is not a KServe v2 datatype (${Object.keys(DATATYPES).join(", ")})`);
    if (raw.datatype !== d.datatype) {
      throw new ProtocolError(400, `inference input '${d.name}' data-type is '${raw.datatype}', but model '${def.name}' expects '${d.datatype}'`);
    }
    const shape = raw.shape;
    if (!Array.isArray(shape) || !shape.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0)) {
      throw new ProtocolError(400, `input '${d.name}': 'shape' must be an array of non-negative integers`);
    }
    const expected = def.maxBatchSize > 0 ? [-1, ...d.dims] : d.dims;
    const ok = shape.length === expected.length && expected.every((e, i) => e === -1 || e === shape[i]);
    if (!ok) {
      throw new ProtocolError(400, `unexpected shape for input '${d.name}' for model '${def.name}'. Expected ${fmt(expected)}, got ${fmt(shape)}`);
    }
    if (def.maxBatchSize > 0) {
      const b = shape[0];
      if (b < 1 || b > def.maxBatchSize) throw new ProtocolError(400, `inference request batch-size must be <= ${def.maxBatchSize} for '${def.name}' (input '${d.name}' has batch ${b})`);
      if (batch !== -1 && b !== batch) throw new ProtocolError(400, `input '${d.name}' has batch ${b} but another input has batch ${batch}; all inputs share the batch dimension`);
      batch = b;
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytes = binaryParts.get(d.name);
    let data: TypedArray;
    if (bytes !== undefined) {
      const want = count * DATATYPES[d.datatype].bytes;
      if (bytes.length !== want) {
        throw new ProtocolError(400, `input '${d.name}': binary_data_size is ${bytes.length} bytes, but shape ${fmt(shape)} of ${d.datatype} needs ${want}`);
      }
      data = typedArray(d.datatype, count, bytes);
    } else {
      if (raw.data === undefined) throw new ProtocolError(400, `input '${d.name}' has neither 'data' nor parameters.binary_data_size`);
      data = fromJsonData(d.name, d.datatype, raw.data, count);
    }
    inputs.push({name: d.name, datatype: d.datatype, shape: shape as number[], data});
  }

  let outputs: RequestedOutput[];
  if (req.outputs === undefined) outputs = def.outputs.map((o) => ({name: o.name, binary: binaryDefault}));
  else {
    if (!Array.isArray(req.outputs)) throw new ProtocolError(400, "'outputs' must be an array");
    outputs = [];
    for (const o of req.outputs) {
      if (!isObject(o) || typeof o.name !== "string") throw new ProtocolError(400, "each requested output must be an object with a 'name'");
      if (!def.outputs.some((d) => d.name === o.name)) throw new ProtocolError(400, `unexpected inference output '${o.name}' for model '${def.name}'`);
      const op = isObject(o.parameters) ? o.parameters : {};
      outputs.push({name: o.name, binary: typeof op.binary_data === "boolean" ? op.binary_data : binaryDefault});
    }
  }
  return {id, batch: def.maxBatchSize > 0 ? batch : 1, inputs, outputs};
}
