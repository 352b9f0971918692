// Reading ONNX files: decode a ModelProto (onnx-proto's generated code) and give plain views of
// nodes, attributes and tensors that the counter, the zoo and later the fusion maps share.

import onnxProto from "onnx-proto";
import {InputError} from "../common/errors.ts";

// onnx-proto is CommonJS: its namespace is reached through the default export (a named import fails).
export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DataType = onnxProto.onnx.TensorProto.DataType;
export const AttributeType = onnxProto.onnx.AttributeProto.AttributeType;

/** int64 fields decode as Long objects (long.js is installed); everything here is far below 2^53. */
export function num(v: number | {toNumber(): number} | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

const HINT = "Give the path of an .onnx model file (ModelProto), e.g. one written by `inferscope models build`.";

/**
 * Decode an ONNX ModelProto. Byte arrays inside (raw_data) stay views of `bytes`, so a 500 MB model
 * is not copied. Throws InputError naming `file` when the bytes are not a (complete) ONNX model.
 */
export function readModel(bytes: Uint8Array, file = "<bytes>"): ModelProto {
  if (bytes.length === 0) throw new InputError(file, "the file is empty, expected an ONNX model (protobuf ModelProto)", {hint: HINT});
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    // Serialisers write fields in number order, so an ONNX file starts with ir_version (field 1, varint: 0x08).
    // A decode that runs off the end of such a file means it was cut short; anything else is not ONNX.
    const truncated = bytes[0] === 0x08 && /index out of range/i.test(message);
    const at = /: (\d+) \+ \d+ > \d+/.exec(message);
    throw new InputError(
      file,
      truncated
        ? `the protobuf ends early (${bytes.length} bytes): the ONNX file is truncated`
        : `not an ONNX model: the bytes are not a protobuf ModelProto (${describeStart(bytes)})`,
      {offset: truncated && at ? Number(at[1]) : undefined, hint: truncated ? "Copy or build the model again; the file looks cut short." : HINT, cause: error}
    );
  }
  // Any byte string can decode as *some* protobuf; an ONNX model has an IR version and a graph.
  if (!model.graph || num(model.irVersion) <= 0) {
    throw new InputError(file, `not an ONNX model (or cut short): no ${!model.graph ? "graph" : "ir_version"} field found in ${bytes.length} bytes`, {hint: HINT});
  }
  return model;
}

/** The first bytes, as text when they look like text (a CSV, JSON or HTML page given by mistake). */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 24);
  const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable) return `it starts with text: ${JSON.stringify(Buffer.from(head).toString("latin1"))}`;
  return `it starts with bytes ${Buffer.from(head.subarray(0, 8)).toString("hex")} where an ONNX file starts with 08`;
}

/** The opset version of the default (ai.onnx) domain. */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return entry ? num(entry.version) : 0;
}

export type AttrValue = number | string | number[] | string[] | TensorProto | GraphProto | GraphProto[] | TensorProto[] | null;

/** An attribute's value as plain JS: ints/floats as numbers, strings decoded as UTF-8. */
export function attributeValue(a: AttributeProto): AttrValue {
  const dec = (s: Uint8Array | null | undefined) => Buffer.from(s ?? new Uint8Array()).toString("utf8");
  switch (a.type) {
    case AttributeType.FLOAT: return a.f ?? 0;
    case AttributeType.INT: return num(a.i);
    case AttributeType.STRING: return dec(a.s);
    case AttributeType.TENSOR: return a.t ?? null;
    case AttributeType.GRAPH: return a.g ?? null;
    case AttributeType.FLOATS: return [...(a.floats ?? [])];
    case AttributeType.INTS: return (a.ints ?? []).map(num);
    case AttributeType.STRINGS: return (a.strings ?? []).map(dec);
    case AttributeType.TENSORS: return a.tensors ?? [];
    case AttributeType.GRAPHS: return a.graphs ?? [];
    default: {
      // Files from old exporters may leave `type` unset: guess from which field is filled.
      if (a.ints?.length) return a.ints.map(num);
      if (a.floats?.length) return [...a.floats];
      if (a.s?.length) return dec(a.s);
      if (a.t) return a.t;
      if (a.g) return a.g;
      if (a.i !== undefined && a.i !== null && num(a.i) !== 0) return num(a.i);
      if (a.f) return a.f;
      return null;
    }
  }
}

export interface NodeView {
  op_type: string;
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
}

/** The graph's nodes in file order with decoded attributes (for listing and for comparing graphs). */
export function listNodes(model: ModelProto | GraphProto): NodeView[] {
  const graph = "graph" in model && model.graph ? model.graph : (model as GraphProto);
  return (graph.node ?? []).map((n, i) => ({
    op_type: n.opType ?? "",
    name: n.name || `${n.opType ?? "node"}_${i}`,
    domain: n.domain && n.domain !== "ai.onnx" ? n.domain : "",
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? "", attributeValue(a)]))
  }));
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map(num);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

const INT_TYPES = new Set<number>([DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.BOOL]);
const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE]);

/** Bytes per element for raw_data, for the types whose values are read here. */
const RAW_READERS: Partial<Record<number, [number, (v: DataView, o: number) => number]>> = {
  [DataType.FLOAT]: [4, (v, o) => v.getFloat32(o, true)],
  [DataType.DOUBLE]: [8, (v, o) => v.getFloat64(o, true)],
  [DataType.INT64]: [8, (v, o) => Number(v.getBigInt64(o, true))],
  [DataType.UINT64]: [8, (v, o) => Number(v.getBigUint64(o, true))],
  [DataType.INT32]: [4, (v, o) => v.getInt32(o, true)],
  [DataType.UINT32]: [4, (v, o) => v.getUint32(o, true)],
  [DataType.INT16]: [2, (v, o) => v.getInt16(o, true)],
  [DataType.UINT16]: [2, (v, o) => v.getUint16(o, true)],
  [DataType.INT8]: [1, (v, o) => v.getInt8(o)],
  [DataType.UINT8]: [1, (v, o) => v.getUint8(o)],
  [DataType.BOOL]: [1, (v, o) => v.getUint8(o)]
};

/**
 * The values of a small numeric tensor (shapes, axes, pads, scales) from raw_data or the typed fields.
 * Returns undefined for large tensors (the counter never needs weight values), external data and other types.
 */
export function tensorValues(t: TensorProto, maxElements = 4096): number[] | undefined {
  const dims = tensorDims(t);
  const n = elementCount(dims);
  if (n > maxElements) return undefined;
  const type = t.dataType ?? 0;
  if (t.rawData && t.rawData.length > 0) {
    const reader = RAW_READERS[type];
    if (!reader) return undefined;
    const [size, read] = reader;
    if (t.rawData.length < n * size) return undefined;
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Array.from({length: n}, (_, i) => read(view, i * size));
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return undefined;
  if (type === DataType.INT64 && t.int64Data?.length) return t.int64Data.map(num);
  if (type === DataType.UINT64 && t.uint64Data?.length) return t.uint64Data.map(num);
  if (INT_TYPES.has(type) && t.int32Data?.length) return [...t.int32Data];
  if (type === DataType.FLOAT && t.floatData?.length) return [...t.floatData];
  if (type === DataType.DOUBLE && t.doubleData?.length) return [...t.doubleData];
  if (n === 0 && (INT_TYPES.has(type) || FLOAT_TYPES.has(type))) return [];
  return undefined;
}

export type Dim = number | string | undefined;

/** A value_info's tensor shape: numbers for dim_value, the dim_param name for symbolic dims, undefined if unknown. */
export function valueInfoShape(v: ValueInfoProto): Dim[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined && num(d.dimValue) > 0 ? num(d.dimValue) : undefined));
}

export function valueInfoElemType(v: ValueInfoProto): number {
  return v.type?.tensorType?.elemType ?? 0;
}

export const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).filter(([, v]) => typeof v === "number").map(([k, v]) => [v as number, k.toLowerCase()])
);
