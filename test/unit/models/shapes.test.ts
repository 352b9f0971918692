// The counter's shape inference against ONNX Runtime on a hand-written graph of the common ops with
// their awkward attributes (auto_pad, ceil_mode, dilations, negative steps, broadcasting), opset 13.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import * as ort from "onnxruntime-node";
import {analyzeModel} from "../../../loaders/models/info.ts";
import {onnx, type NodeProto, type TensorProto} from "../../../loaders/models/onnx.ts";

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({name, type: A.INTS, ints: v});
const int = (name: string, v: number) => ({name, type: A.INT, i: v});
const str = (name: string, v: string) => ({name, type: A.STRING, s: new TextEncoder().encode(v)});
const float = (name: string, v: number) => ({name, type: A.FLOAT, f: v});
const floats = (name: string, dims: number[]): TensorProto => ({name, dims, dataType: T.FLOAT, rawData: new Uint8Array(new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1).buffer)});
const i64 = (name: string, values: number[], dims = [values.length]): TensorProto => ({name, dims, dataType: T.INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer)});
const n = (opType: string, input: string[], output: string | string[], attribute: object[] = []): NodeProto => ({
  opType, name: Array.isArray(output) ? output[0] : output, input, output: Array.isArray(output) ? output : [output], attribute
});

const nodes: NodeProto[] = [
  n("Conv", ["x", "w3"], "conv_same_upper", [ints("kernel_shape", [3, 3]), ints("strides", [2, 2]), str("auto_pad", "SAME_UPPER")]),
  n("Conv", ["x", "w4"], "conv_same_lower", [ints("kernel_shape", [4, 4]), ints("strides", [2, 2]), str("auto_pad", "SAME_LOWER")]),
  n("Conv", ["x", "w3", "b8"], "conv_dilated", [ints("dilations", [2, 2]), ints("pads", [1, 0, 2, 1])]),
  n("Conv", ["conv_dilated", "wg"], "conv_group", [int("group", 4), ints("pads", [1, 1, 1, 1])]),
  n("ConvTranspose", ["conv_same_upper", "wt", "b4"], "deconv", [ints("strides", [2, 2]), ints("pads", [1, 1, 1, 1]), ints("output_padding", [1, 1])]),
  n("MaxPool", ["x"], "pool_ceil_edge", [ints("kernel_shape", [2, 2]), ints("strides", [2, 2]), ints("pads", [1, 1, 1, 1]), int("ceil_mode", 1)]),
  n("MaxPool", ["conv_same_upper"], "pool_ceil", [ints("kernel_shape", [3, 3]), ints("strides", [2, 2]), int("ceil_mode", 1)]),
  n("AveragePool", ["x"], "avgpool_valid", [ints("kernel_shape", [3, 3]), str("auto_pad", "VALID")]),
  n("GlobalMaxPool", ["x"], "gmp"),
  n("Pad", ["x", "pads"], "padded"),
  n("Resize", ["x", "", "scales"], "resized", [str("mode", "nearest")]),
  n("Transpose", ["x"], "transposed", [ints("perm", [0, 2, 3, 1])]),
  n("Slice", ["x", "starts", "ends", "axes", "steps"], "sliced"),
  n("Split", ["x", "split"], ["split_a", "split_b"], [int("axis", 1)]),
  n("ReduceMean", ["x"], "reduced", [ints("axes", [2, 3]), int("keepdims", 0)]),
  n("Unsqueeze", ["reduced", "axes_unsq"], "unsqueezed"),
  n("Squeeze", ["unsqueezed", "axes_unsq"], "squeezed"),
  n("Gemm", ["gemm_a", "gemm_b", "gemm_c"], "gemm", [int("transA", 1), float("alpha", 0.5)]),
  n("MatMul", ["mm_a", "mm_b"], "matmul"),
  n("Flatten", ["x"], "flat2", [int("axis", 2)]),
  n("Expand", ["b4col", "expand_shape"], "expanded"),
  n("Tile", ["x", "repeats"], "tiled"),
  n("Gather", ["x", "gather_idx"], "gathered", [int("axis", 1)]),
  n("Concat", ["x", "padded_crop"], "concat", [int("axis", 1)]),
  n("Slice", ["padded", "crop_starts", "crop_ends"], "padded_crop"),
  n("Sum", ["x", "x", "gmp"], "summed"),
  n("HardSigmoid", ["x"], "hsig"),
  n("Softmax", ["x"], "softmax", [int("axis", 1)]),
  n("ArgMax", ["x"], "argmax", [int("axis", 1), int("keepdims", 0)]),
  n("Shape", ["x"], "shape_x"),
  n("Reshape", ["transposed", "shape_x"], "reshaped_back"),
  n("Cast", ["x"], "cast", [int("to", T.DOUBLE)])
];

const initializer: TensorProto[] = [
  floats("w3", [8, 3, 3, 3]), floats("w4", [8, 3, 4, 4]), floats("b8", [8]), floats("wg", [8, 2, 3, 3]),
  floats("wt", [8, 4, 3, 3]), floats("b4", [4]), floats("b4col", [4, 1]),
  i64("pads", [0, 0, 1, 2, 0, 0, 3, 0]),
  {name: "scales", dims: [4], dataType: T.FLOAT, rawData: new Uint8Array(Float32Array.from([1, 1, 2, 1.5]).buffer)},
  i64("starts", [-1, 1]), i64("ends", [-8, 7]), i64("axes", [2, 3]), i64("steps", [-2, 3]),
  i64("split", [1, 2]), i64("axes_unsq", [0, -1]),
  floats("gemm_a", [5, 3]), floats("gemm_b", [5, 6]), floats("gemm_c", [6]),
  floats("mm_a", [2, 1, 4, 5]), floats("mm_b", [3, 5, 6]),
  i64("expand_shape", [2, 4, 3]), i64("repeats", [1, 2, 1, 3]), i64("gather_idx", [2, 0, 2, 1], [2, 2]),
  i64("crop_starts", [0, 0, 1, 2]), i64("crop_ends", [2, 3, 8, 9])
];

const outputs = nodes.flatMap((node) => node.output!);
const model = onnx.ModelProto.encode({
  irVersion: 7,
  opsetImport: [{domain: "", version: 13}],
  graph: {
    name: "shapes",
    node: nodes,
    initializer,
    input: [{name: "x", type: {tensorType: {elemType: T.FLOAT, shape: {dim: [{dimParam: "N"}, {dimValue: 3}, {dimValue: 7}, {dimValue: 7}]}}}}],
    output: outputs.map((name) => ({name, type: {tensorType: {elemType: name === "argmax" || name === "shape_x" ? T.INT64 : name === "cast" ? T.DOUBLE : T.FLOAT}}}))
  }
}).finish();

describe("shape inference against ONNX Runtime", () => {
  it("every node's output shape equals ORT's at batch 2", async () => {
    const session = await ort.InferenceSession.create(model, {graphOptimizationLevel: "disabled"});
    const result = await session.run({x: new ort.Tensor("float32", new Float32Array(2 * 3 * 49).fill(1), [2, 3, 7, 7])});
    const info = analyzeModel(model, {batch: 2, shapes: true});
    assert.deepEqual(info.uncounted_ops, []);
    for (const name of outputs) assert.deepEqual(info.tensor_shapes![name], [...result[name].dims], name);
    // The ceil_mode edge case: the last window would start in the end padding, so it is dropped.
    assert.deepEqual(info.tensor_shapes!.pool_ceil_edge, [2, 3, 4, 4]);
    await session.release();
  });

  it("costs of the less common ops by hand", () => {
    const info = analyzeModel(model, {batch: 1});
    const deconvIn = 8 * 4 * 4; // conv_same_upper output elements at batch 1
    assert.equal(info.by_op_type.ConvTranspose.macs, deconvIn * 4 * 9);
    assert.equal(info.by_op_type.ConvTranspose.flops, 2 * deconvIn * 4 * 9 + 4 * 8 * 8);
    assert.equal(info.by_op_type.Gemm.macs, 3 * 6 * 5);
    assert.equal(info.by_op_type.Gemm.flops, 2 * 3 * 6 * 5 + 3 * 6);
    assert.equal(info.by_op_type.MatMul.macs, 2 * 3 * 4 * 6 * 5);
    assert.equal(info.by_op_type.Sum.flops, 2 * 3 * 7 * 7);
    assert.equal(info.by_op_type.ReduceMean.flops, 3 * 7 * 7);
    assert.equal(info.by_op_type.GlobalMaxPool.flops, 3 * 7 * 7);
    assert.equal(info.by_op_type.AveragePool.flops, 9 * 3 * 5 * 5);
    assert.equal(info.by_op_type.Softmax.flops, 5 * 3 * 7 * 7);
    assert.equal(info.by_op_type.Resize.flops, 0);
  });
});
