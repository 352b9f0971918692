// `analyzeModel` and `models info` on ONNX files the zoo did not build: written here the way other
// exporters write them (float_data and int64_data initializers, Constant nodes, a Shape->Gather->
// Unsqueeze->Concat->Reshape flatten, initializers repeated as graph inputs), plus ops it cannot count.
import assert from "node:assert/strict";
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, it} from "node:test";
import * as ort from "onnxruntime-node";
import {InputError} from "../../../loaders/common/errors.ts";
import {analyzeModel, listNodes, readModel} from "../../../loaders/models/info.ts";
import {onnx, type ModelProto, type NodeProto} from "../../../loaders/models/onnx.ts";
import {buildModelBytes} from "../../../loaders/models/zoo.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]) => ({name, type: A.INTS, ints: v});
const int = (name: string, v: number) => ({name, type: A.INT, i: v});
const seq = (n: number) => Array.from({length: n}, (_, i) => ((i * 7919) % 13) / 13 - 0.5);

/** A small CNN as a PyTorch-era exporter writes it (opset 11), optionally with extra nodes after the Relu. */
function foreignModel({extra = [] as NodeProto[], declareMystery = false} = {}): ModelProto {
  const afterRelu = extra.length ? extra[extra.length - 1].output![0] : "relu_out";
  const nodes: NodeProto[] = [
    {opType: "Constant", name: "bias_const", output: ["conv.bias"], attribute: [{name: "value", type: A.TENSOR, t: {dims: [4], dataType: T.FLOAT, floatData: seq(4)}}]},
    {opType: "Conv", name: "conv", input: ["x", "conv.weight", "conv.bias"], output: ["conv_out"], attribute: [ints("kernel_shape", [3, 3]), ints("pads", [1, 1, 1, 1])]},
    {opType: "Relu", name: "relu", input: ["conv_out"], output: ["relu_out"]},
    ...extra,
    {opType: "LRN", name: "lrn", input: [afterRelu], output: ["lrn_out"], attribute: [int("size", 3)]},
    {opType: "MaxPool", name: "pool", input: ["lrn_out"], output: ["pool_out"], attribute: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])]},
    {opType: "Shape", name: "shape", input: ["pool_out"], output: ["shape_out"]},
    {opType: "Gather", name: "gather", input: ["shape_out", "zero"], output: ["batch_dim"], attribute: [int("axis", 0)]},
    {opType: "Unsqueeze", name: "unsqueeze", input: ["batch_dim"], output: ["batch_1d"], attribute: [ints("axes", [0])]},
    {opType: "Concat", name: "concat", input: ["batch_1d", "minus_one"], output: ["new_shape"], attribute: [int("axis", 0)]},
    {opType: "Reshape", name: "flatten", input: ["pool_out", "new_shape"], output: ["flat"]},
    {opType: "MatMul", name: "fc", input: ["flat", "fc.weight"], output: ["fc_out"]},
    {opType: "Add", name: "fc_bias", input: ["fc_out", "fc.bias"], output: ["logits"]},
    {opType: "Softmax", name: "softmax", input: ["logits"], output: ["probs"], attribute: [int("axis", 1)]}
  ];
  const initializer = [
    {name: "conv.weight", dims: [4, 3, 3, 3], dataType: T.FLOAT, floatData: seq(108)},
    {name: "zero", dims: [], dataType: T.INT64, int64Data: [0]},
    {name: "minus_one", dims: [1], dataType: T.INT64, int64Data: [-1]},
    {name: "fc.weight", dims: [64, 5], dataType: T.FLOAT, rawData: new Uint8Array(Float32Array.from(seq(320)).buffer)},
    {name: "fc.bias", dims: [5], dataType: T.FLOAT, rawData: new Uint8Array(Float32Array.from(seq(5)).buffer)}
  ];
  const tensor = (name: string, dims: (number | string)[], elemType = T.FLOAT) => ({
    name,
    type: {tensorType: {elemType, shape: {dim: dims.map((d) => (typeof d === "string" ? {dimParam: d} : {dimValue: d}))}}}
  });
  return {
    irVersion: 6,
    producerName: "some-exporter",
    opsetImport: [{domain: "", version: 11}, ...(extra.some((n) => n.domain) ? [{domain: "com.example", version: 1}] : [])],
    graph: {
      name: "foreign",
      node: nodes,
      initializer,
      // Old exporters also list initializers as graph inputs.
      input: [tensor("x", ["batch_size", 3, 8, 8]), tensor("conv.weight", [4, 3, 3, 3]), tensor("fc.weight", [64, 5])],
      output: [tensor("probs", ["batch_size", 5])],
      valueInfo: declareMystery ? [tensor("mystery_out", ["batch_size", 4, 8, 8])] : []
    }
  };
}

const encode = (m: ModelProto) => onnx.ModelProto.encode(m).finish();
const mystery: NodeProto = {opType: "Mystery", domain: "com.example", name: "mystery", input: ["relu_out"], output: ["mystery_out"]};

// By hand: conv 4x8x8 outputs x 27 MACs (+1 per output for the bias); pool 2x2 on 4x4x4 outputs;
// MatMul 64 -> 5; Add 5; Softmax 5 x 5.
const CONV_MACS = 4 * 8 * 8 * 27;
const FLOPS = 2 * CONV_MACS + 4 * 8 * 8 + 4 * 4 * 4 * 4 + 2 * 64 * 5 + 5 + 5 * 5;
const PARAMS = 108 + 4 + 320 + 5;

describe("models info on ONNX files from other tools", () => {
  it("the hand-written model is valid ONNX: ONNX Runtime runs it at batch 2", async () => {
    const session = await ort.InferenceSession.create(encode(foreignModel()));
    const x = new ort.Tensor("float32", new Float32Array(2 * 3 * 8 * 8).fill(0.5), [2, 3, 8, 8]);
    const {probs} = await session.run({x});
    assert.deepEqual(probs.dims, [2, 5]);
    await session.release();
  });

  it("counts float_data, raw_data and Constant-node weights, follows the Shape->Reshape chain, lists LRN as uncounted", () => {
    const info = analyzeModel(encode(foreignModel()));
    assert.equal(info.params, PARAMS);
    assert.equal(info.macs, CONV_MACS + 64 * 5);
    assert.equal(info.flops, FLOPS);
    assert.deepEqual(info.uncounted_ops, ["LRN"]);
    assert.match(info.uncounted.LRN.reason, /lrn: no cost rule for LRN/);
    assert.deepEqual(info.by_op_type.Conv, {count: 1, macs: CONV_MACS, flops: 2 * CONV_MACS + 256, params: 112});
    assert.deepEqual(info.by_op_type.LRN, {count: 1, macs: 0, flops: 0, params: 0});
    assert.equal(info.by_op_type.Reshape.count, 1);
    assert.deepEqual(info.inputs, [{name: "x", shape: ["batch_size", 3, 8, 8], type: "float"}]);
    assert.deepEqual(info.outputs, [{name: "probs", shape: ["batch_size", 5], type: "float"}]);
    assert.equal(info.opset, 11);
    assert.equal(analyzeModel(encode(foreignModel()), {batch: 3}).flops, 3 * FLOPS);
  });

  it("an op of an unknown domain is listed; with a declared output shape the ops after it are still counted", () => {
    const info = analyzeModel(encode(foreignModel({extra: [mystery], declareMystery: true})));
    assert.deepEqual(info.uncounted_ops, ["LRN", "com.example:Mystery"]);
    assert.equal(info.flops, FLOPS);
    assert.equal(info.by_op_type["com.example:Mystery"].count, 1);
  });

  it("without a declared shape, every op downstream of the unknown op is listed too, never counted as zero", () => {
    const info = analyzeModel(encode(foreignModel({extra: [mystery]})));
    assert.deepEqual(info.uncounted_ops, ["Add", "LRN", "MatMul", "MaxPool", "Softmax", "com.example:Mystery"]);
    assert.match(info.uncounted.MatMul.reason, /shape of A unknown/);
    assert.equal(info.flops, 2 * CONV_MACS + 256);
    assert.equal(info.params, PARAMS);
  });

  it("readModel lists nodes with op type, name, domain and decoded attributes", () => {
    const nodes = listNodes(readModel(encode(foreignModel({extra: [mystery]}))));
    const conv = nodes.find((n) => n.name === "conv")!;
    assert.deepEqual(conv, {op_type: "Conv", name: "conv", domain: "", inputs: ["x", "conv.weight", "conv.bias"], outputs: ["conv_out"], attributes: {kernel_shape: [3, 3], pads: [1, 1, 1, 1]}});
    assert.equal(nodes.find((n) => n.name === "mystery")!.domain, "com.example");
    assert.equal(nodes.find((n) => n.name === "gather")!.attributes.axis, 0);
  });

  it("a file that is not ONNX, empty or truncated is an InputError naming the file", () => {
    const model = buildModelBytes("tiny_cnn");
    const cases: [string, Uint8Array, RegExp][] = [
      ["notes.txt", new TextEncoder().encode("layer,latency_ms\nconv1,1.5\n"), /notes\.txt.*not an ONNX model/],
      ["empty.onnx", new Uint8Array(), /empty\.onnx: the file is empty/],
      ["cut.onnx", model.subarray(0, model.length - 100), /cut\.onnx.*truncated/],
      ["cut-early.onnx", model.subarray(0, 200), /cut-early\.onnx.*truncated/]
    ];
    for (const [file, bytes, message] of cases) {
      assert.throws(() => analyzeModel(bytes, {file}), (e: unknown) => e instanceof InputError && message.test(e.message) && e.file === file, file);
    }
  });
});

describe("models commands", () => {
  it("models info --json prints exactly params, flops, macs, by_op_type, uncounted_ops", async () => {
    const dir = await tempDir();
    const file = join(dir, "foreign.onnx");
    writeFileSync(file, encode(foreignModel()));
    const r = await cli(["models", "info", file, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ["params", "flops", "macs", "by_op_type", "uncounted_ops"]);
    assert.equal(json.flops, FLOPS);
    assert.deepEqual(json.uncounted_ops, ["LRN"]);

    const table = await cli(["models", "info", file, "--batch", "2"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`FLOPs\\s+${(2 * FLOPS).toLocaleString("en-US")}`));
    assert.match(table.stdout, /^LRN\s+1\s+0\s+0\s+0\s+0\.0%\s+not counted: 1 node\(s\)$/m);
    assert.match(table.stdout, /Not counted \(1 op type\(s\)/);
  });

  it("models info on a file that is not ONNX: one line naming the file, exit 1, no stack trace", async () => {
    const dir = await tempDir();
    const file = join(dir, "model.onnx");
    writeFileSync(file, "{\"not\": \"onnx\"}\n");
    const r = await cli(["models", "info", file]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /model\.onnx: not an ONNX model/);
    assert.equal(r.stdout, "");
  });

  it("models build prints the written paths on stdout and progress on stderr; models list shows it built", async () => {
    const dir = await tempDir();
    const r = await cli(["models", "build", "tiny_cnn", "squeezenet1_1", "--out", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), [join(dir, "tiny_cnn.onnx"), join(dir, "squeezenet1_1.onnx")]);
    assert.match(r.stderr, /\[1\/2\] building tiny_cnn/);
    assert.match(r.stderr, /\[2\/2\] building squeezenet1_1/);
    assert.equal(analyzeModel(readFileSync(join(dir, "squeezenet1_1.onnx"))).params, 1_235_496);

    const list = await cli(["models", "list", "--json"], {env: {INFERSCOPE_MODELS: dir}});
    assert.equal(list.code, 0, list.stderr);
    const {models} = JSON.parse(list.stdout);
    assert.equal(models.length, 10);
    const tiny = models.find((m: {name: string}) => m.name === "tiny_cnn");
    assert.equal(tiny.path, join(dir, "tiny_cnn.onnx"));
    assert.equal(models.find((m: {name: string}) => m.name === "vgg16").path, null);
    assert.equal(models.find((m: {name: string}) => m.name === "resnet50").params, 25_636_712);
  });

  it("models build with an unknown name builds nothing and suggests the zoo", async () => {
    const dir = await tempDir();
    const r = await cli(["models", "build", "tiny_cnn", "resnet5", "--out", dir]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /unknown model 'resnet5'/);
    assert.equal(r.stdout, "");
  });
});
