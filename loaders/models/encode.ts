// Serialising a built model without holding it twice in memory. protobufjs encodes the graph's small
// parts; the large weight tensors are appended as GraphProto.initializer entries whose raw_data is
// generated chunk by chunk, straight into the output buffer or file. Protobuf accepts fields in any
// order, and every length prefix is known up front, so the bytes are a normal ModelProto.

import {open, rename, rm} from "node:fs/promises";
import {endianness} from "node:os";
import {elementCount, onnx, type ModelProto} from "./onnx.ts";
import {WeightStream, type WeightSpec} from "./weights.ts";

export interface ModelSpec {
  name: string;
  /** The model with only small constants as initializers; `weights` are appended when encoding. */
  model: ModelProto;
  weights: WeightSpec[];
}

const TAG_MODEL_GRAPH = (7 << 3) | 2;
const TAG_GRAPH_INITIALIZER = (5 << 3) | 2;
const TAG_TENSOR_RAW_DATA = (9 << 3) | 2;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

type Segment = Uint8Array | {weight: WeightSpec; length: number};

/** The model as a list of byte segments (small parts encoded, weights lazy) and its total length. */
export function modelSegments(spec: ModelSpec): {segments: Segment[]; length: number} {
  if (endianness() !== "LE") throw new Error("raw_data is little-endian; building on a big-endian host is not supported");
  const graph = spec.model.graph ?? {};
  const graphHead = onnx.GraphProto.encode(graph).finish();
  const graphParts: Segment[] = [graphHead];
  let graphLength = graphHead.length;
  for (const w of spec.weights) {
    const header = onnx.TensorProto.encode({name: w.name, dims: w.dims, dataType: onnx.TensorProto.DataType.FLOAT}).finish();
    const dataLength = elementCount(w.dims) * 4;
    const rawPrefix = Uint8Array.from([TAG_TENSOR_RAW_DATA, ...varint(dataLength)]);
    const tensorLength = header.length + rawPrefix.length + dataLength;
    const prefix = Uint8Array.from([TAG_GRAPH_INITIALIZER, ...varint(tensorLength)]);
    graphParts.push(prefix, header, rawPrefix, {weight: w, length: dataLength});
    graphLength += prefix.length + tensorLength;
  }
  const modelHead = onnx.ModelProto.encode({...spec.model, graph: undefined}).finish();
  const graphPrefix = Uint8Array.from([TAG_MODEL_GRAPH, ...varint(graphLength)]);
  const segments = [modelHead, graphPrefix, ...graphParts];
  return {segments, length: modelHead.length + graphPrefix.length + graphLength};
}

const CHUNK_FLOATS = 1 << 20;

/** Generate one weight tensor's bytes in chunks of at most 4 MiB. */
function* weightChunks(modelName: string, w: WeightSpec): Generator<Uint8Array> {
  const stream = new WeightStream(modelName, w);
  let left = elementCount(w.dims);
  const scratch = new Float32Array(Math.min(left, CHUNK_FLOATS));
  while (left > 0) {
    const n = Math.min(left, scratch.length);
    const view = n === scratch.length ? scratch : scratch.subarray(0, n);
    stream.fill(view);
    yield new Uint8Array(view.buffer, view.byteOffset, n * 4);
    left -= n;
  }
}

/** The whole model in one buffer, allocated once. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const {segments, length} = modelSegments(spec);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const s of segments) {
    if (s instanceof Uint8Array) {
      out.set(s, offset);
      offset += s.length;
    } else {
      for (const chunk of weightChunks(spec.name, s.weight)) {
        out.set(chunk, offset);
        offset += chunk.length;
      }
    }
  }
  if (offset !== length) throw new Error(`encoded ${offset} bytes, expected ${length}`);
  return out;
}

/**
 * Write the model to `path` through a temp file in the same directory, renamed on success, so a reader
 * never sees a partial model and an interrupted build leaves nothing behind. Returns the byte count.
 */
export async function writeModelFile(spec: ModelSpec, path: string, {signal}: {signal?: AbortSignal} = {}): Promise<number> {
  const {segments, length} = modelSegments(spec);
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const file = await open(temp, "w");
  try {
    let written = 0;
    for (const s of segments) {
      signal?.throwIfAborted();
      const chunks = s instanceof Uint8Array ? [s] : weightChunks(spec.name, s.weight);
      for (const chunk of chunks) {
        await file.write(chunk);
        written += chunk.length;
      }
    }
    if (written !== length) throw new Error(`wrote ${written} bytes, expected ${length}`);
    await file.close();
    await rename(temp, path);
    return length;
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temp, {force: true});
    throw error;
  }
}
