// Initializer values in and out: float weights read whole (raw_data or float_data, unlike the counter's
// tensorValues which stops at small tensors), and the typed initializers the QDQ rewrite adds.

import {DataType, elementCount, onnx, tensorDims, type TensorProto} from "../models/onnx.ts";

/** All values of a float32 initializer, or undefined for other types and external data. */
export function floatValues(t: TensorProto): Float32Array | undefined {
  if ((t.dataType ?? 0) !== DataType.FLOAT) return undefined;
  const n = elementCount(tensorDims(t));
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length < n * 4) return undefined;
    // Copy: raw_data views may be unaligned inside the file's buffer.
    const bytes = t.rawData.slice(0, n * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return undefined;
  if (t.floatData && t.floatData.length === n) return Float32Array.from(t.floatData);
  return n === 0 ? new Float32Array(0) : undefined;
}

type Typed = Float32Array | Int8Array | Uint8Array | Int32Array;

const TYPE_OF = new Map<Function, number>([
  [Float32Array, DataType.FLOAT],
  [Int8Array, DataType.INT8],
  [Uint8Array, DataType.UINT8],
  [Int32Array, DataType.INT32]
]);

/** A new initializer holding `values` (little-endian raw_data). */
export function makeTensor(name: string, dims: number[], values: Typed): TensorProto {
  const dataType = TYPE_OF.get(values.constructor);
  if (dataType === undefined) throw new Error(`makeTensor: unsupported array type for ${name}`);
  return {name, dims, dataType, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength)};
}
