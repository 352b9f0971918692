// Fusion maps on the graphs ONNX Runtime really writes: tiny_cnn, mobilenet_v1 and resnet50 saved by
// onnxruntime-node at every optimization level, each compared with the graph at 'disabled'.
import assert from "node:assert/strict";
import {readFile} from "node:fs/promises";
import {before, describe, it} from "node:test";
import onnxProto from "onnx-proto";
import {graphMismatch} from "../../../loaders/profile/collector.ts";
import {fusionMap, summarizeFusion, type FusionMap} from "../../../loaders/profile/fusion.ts";
import type {OpProfileRow} from "../../../loaders/ops/profile-rows.ts";
import {graphView, readGraph, type GraphView} from "../../../loaders/profile/graph.ts";
import {nodeFlops} from "../../../loaders/profile/node-costs.ts";
import {analyzeModel} from "../../../loaders/models/info.ts";
import {readModel} from "../../../loaders/models/onnx.ts";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {ortGraph, type Level} from "./graphs.ts";

const {onnx} = onnxProto;

/** "original -> kernel [kind]" -> count, for comparing whole maps. */
function lines(fm: FusionMap): Record<string, number> {
  return Object.fromEntries(summarizeFusion(fm.entries).map((s) => [`${s.original} -> ${s.kernel} [${s.kind}]`, s.count]));
}

/** Every unoptimized node is claimed by exactly one kernel or listed as removed; nothing guessed. */
function assertPartition(fm: FusionMap, base: GraphView, optimized: GraphView): void {
  const claimed = fm.entries.flatMap((e) => e.original_nodes);
  assert.equal(claimed.length, base.nodes.length, "each original node appears once");
  assert.deepEqual(new Set(claimed), new Set(base.nodes.map((n) => n.name)));
  assert.deepEqual(fm.conflicts, []);
  assert.equal(fm.entries.filter((e) => e.node_name !== null).length, optimized.nodes.length, "one entry per optimized node");
  assert.deepEqual(fm.entries.filter((e) => e.kind === "unmatched"), []);
}

async function levels(name: string): Promise<Record<Level, GraphView>> {
  const file = name === "tiny_cnn" || name === "mobilenet_v1" ? await ensureModel(name, {dir: await tempDir()}) : await ensureModel(name);
  const dir = await tempDir();
  const out = {} as Record<Level, GraphView>;
  for (const level of ["disabled", "basic", "extended", "all"] as const) out[level] = await ortGraph(file, level, dir);
  return out;
}

describe("fusion map: tiny_cnn (3 x Conv+BN+ReLU, GAP, Gemm)", () => {
  let g: Record<Level, GraphView>;
  before(async () => {
    g = await levels("tiny_cnn");
  });

  it("'disabled' against itself: every node kept", () => {
    const fm = fusionMap(g.disabled, g.disabled);
    assertPartition(fm, g.disabled, g.disabled);
    assert.ok(fm.entries.every((e) => e.kind === "kept" && e.original_nodes[0] === e.node_name));
  });

  it("'basic' folds BatchNormalization into Conv", () => {
    const fm = fusionMap(g.disabled, g.basic);
    assertPartition(fm, g.disabled, g.basic);
    assert.deepEqual(lines(fm), {
      "Conv+BatchNormalization -> Conv [fused]": 3,
      "Relu -> Relu [kept]": 3,
      "GlobalAveragePool -> GlobalAveragePool [kept]": 1,
      "Flatten -> Flatten [kept]": 1,
      "Gemm -> Gemm [kept]": 1,
      "Softmax -> Softmax [kept]": 1
    });
    const conv1 = fm.entries.find((e) => e.node_name === "conv1")!;
    assert.deepEqual(conv1.original_nodes, ["conv1", "bn1"]);
  });

  it("'extended' gives com.microsoft FusedConv(Relu) for Conv+BatchNormalization+Relu", () => {
    const fm = fusionMap(g.disabled, g.extended);
    assertPartition(fm, g.disabled, g.extended);
    assert.equal(lines(fm)["Conv+BatchNormalization+Relu -> FusedConv (com.microsoft, Relu) [fused]"], 3);
    assert.deepEqual(fm.entries.find((e) => e.node_name === "conv2")!.original_nodes, ["conv2", "bn2", "relu2"]);
  });

  it("'all' gives NCHWc convolutions with Relu fused, named after the activation, and inserted reorders", () => {
    const fm = fusionMap(g.disabled, g.all);
    assertPartition(fm, g.disabled, g.all);
    assert.deepEqual(lines(fm), {
      "Conv+BatchNormalization+Relu -> Conv (com.microsoft.nchwc, Relu) [fused]": 3,
      "(none) -> ReorderOutput (com.microsoft.nchwc) [inserted]": 2,
      "GlobalAveragePool -> GlobalAveragePool (com.microsoft.nchwc) [replaced]": 1,
      "Flatten -> Flatten [kept]": 1,
      "Gemm -> Gemm [kept]": 1,
      "Softmax -> Softmax [kept]": 1
    });
    // relu2_nchwc's output is an internal NCHWc token: tied to relu2 through its name, not a shared value.
    const relu2 = fm.entries.find((e) => e.node_name === "relu2_nchwc")!;
    assert.deepEqual(relu2.original_nodes, ["conv2", "bn2", "relu2"]);
    assert.equal(fm.values.get(g.all.nodes.find((n) => n.name === "relu2_nchwc")!.outputs[0]), "relu2");
  });

  it("a WASM profile is joined to onnxruntime-node's graph only when nodes and op types match exactly", () => {
    const rows = (ops: [string, string][]) => ops.map(([node_name, op_type]) => ({scope: "node", node_name, op_type}) as OpProfileRow);
    const exact = g.extended.nodes.map((n) => [n.name, n.op_type] as [string, string]);
    assert.equal(graphMismatch(rows(exact), g.extended), null);
    // The same names with NCHWc-style op types, one node missing: not the graph WASM ran.
    const other = exact.map(([n, op]) => [n, op === "FusedConv" ? "Conv" : op] as [string, string]).slice(1);
    assert.match(graphMismatch(rows(other), g.extended)!, /differ from onnxruntime-node's graph at this level \(2 profiled nodes not in it, 1 graph nodes not profiled; e\.g\. conv2 \(Conv\)\)/);
  });

  it("the WASM graph (onnxruntime-node at 'all' without NCHWc) gives FusedConv", async () => {
    const file = await ensureModel("tiny_cnn", {dir: await tempDir()});
    const wasmLike = await ortGraph(file, "all", await tempDir(), {optimization: {disable_specified_optimizers: "NchwcTransformer"}});
    const fm = fusionMap(g.disabled, wasmLike);
    assertPartition(fm, g.disabled, wasmLike);
    assert.equal(lines(fm)["Conv+BatchNormalization+Relu -> FusedConv (com.microsoft, Relu) [fused]"], 3);
  });
});

describe("fusion map: mobilenet_v1 (Keras layout, ReLU6 as Clip)", () => {
  let g: Record<Level, GraphView>;
  before(async () => {
    g = await levels("mobilenet_v1");
  });

  it("'extended': 27 x Conv+BatchNormalization+Clip -> FusedConv(Clip); the classifier conv kept", () => {
    const fm = fusionMap(g.disabled, g.extended);
    assertPartition(fm, g.disabled, g.extended);
    assert.deepEqual(lines(fm), {
      "Conv+BatchNormalization+Clip -> FusedConv (com.microsoft, Clip) [fused]": 27,
      "Conv -> Conv [kept]": 1,
      "GlobalAveragePool -> GlobalAveragePool [kept]": 1,
      "Flatten -> Flatten [kept]": 1,
      "Softmax -> Softmax [kept]": 1
    });
  });

  it("'all': the whole feature extractor runs in NCHWc tokens, and still maps block by block", () => {
    const fm = fusionMap(g.disabled, g.all);
    assertPartition(fm, g.disabled, g.all);
    assert.equal(lines(fm)["Conv+BatchNormalization+Clip -> Conv (com.microsoft.nchwc, Clip) [fused]"], 27);
    assert.equal(lines(fm)["Conv -> Conv (com.microsoft.nchwc) [replaced]"], 1);
    // No value between the input and the pooled features survives by name at 'all'.
    const shared = g.all.nodes.flatMap((n) => n.outputs).filter((o) => g.disabled.producer.has(o));
    assert.ok(shared.length <= 3, `few shared values: ${shared}`);
    const dw5 = fm.entries.find((e) => e.node_name === "conv_dw_5_relu_nchwc")!;
    assert.deepEqual(dw5.original_nodes, ["conv_dw_5", "conv_dw_5_bn", "conv_dw_5_relu"]);
  });

  it("per-kernel FLOPs from the map add up to the model's FLOPs at every level", async () => {
    const file = await ensureModel("mobilenet_v1");
    const model = readModel(new Uint8Array(await readFile(file)));
    const flops = nodeFlops(model);
    const total = analyzeModel(new Uint8Array(await readFile(file))).flops;
    assert.equal([...flops.values()].reduce<number>((a, f) => a + f!, 0), total);
    for (const level of ["basic", "extended", "all"] as const) {
      const fm = fusionMap(g.disabled, g[level]);
      const sum = fm.entries.reduce((a, e) => a + e.original_nodes.reduce((b, n) => b + flops.get(n)!, 0), 0);
      assert.equal(sum, total, level);
    }
  });
});

describe("fusion map: resnet50 (Add+Relu of the residual fused into a convolution)", () => {
  let g: Record<Level, GraphView>;
  before(async () => {
    g = await levels("resnet50");
  });

  it("'basic' folds all 53 BatchNormalizations; Add and Relu stay", () => {
    const fm = fusionMap(g.disabled, g.basic);
    assertPartition(fm, g.disabled, g.basic);
    assert.equal(lines(fm)["Conv+BatchNormalization -> Conv [fused]"], 53);
    assert.equal(lines(fm)["Add -> Add [kept]"], 16);
  });

  it("'all': 16 convolutions absorb the residual Add and its Relu (NCHWc Sum input)", () => {
    const fm = fusionMap(g.disabled, g.all);
    assertPartition(fm, g.disabled, g.all);
    assert.deepEqual(lines(fm), {
      "Conv+BatchNormalization+Relu -> Conv (com.microsoft.nchwc, Relu) [fused]": 33,
      "Conv+BatchNormalization+Add+Relu -> Conv (com.microsoft.nchwc, Relu) [fused]": 16,
      "Conv+BatchNormalization -> Conv (com.microsoft.nchwc) [fused]": 4,
      "(none) -> ReorderOutput (com.microsoft.nchwc) [inserted]": 1,
      "GlobalAveragePool -> GlobalAveragePool (com.microsoft.nchwc) [replaced]": 1,
      "MaxPool -> MaxPool (com.microsoft.nchwc) [replaced]": 1,
      "Flatten -> Flatten [kept]": 1,
      "Gemm -> Gemm [kept]": 1,
      "Softmax -> Softmax [kept]": 1
    });
    // The projection block: the shortcut conv takes the Add (its Sum input is the main branch).
    const shortcut = fm.entries.find((e) => e.node_name === "conv2_block1_0_bn_nchwc")!;
    assert.deepEqual(shortcut.original_nodes, ["conv2_block1_0_conv", "conv2_block1_0_bn", "conv2_block1_add", "conv2_block1_out"]);
    const identity = fm.entries.find((e) => e.node_name === "conv2_block2_3_bn_nchwc")!;
    assert.deepEqual(identity.original_ops, ["Conv", "BatchNormalization", "Add", "Relu"]);
  });
});

describe("fusion map: what it does not guess", () => {
  const F = onnx.TensorProto.DataType.FLOAT;
  const vi = (name: string) => ({name, type: {tensorType: {elemType: F, shape: {dim: [{dimValue: 1}, {dimValue: 4}]}}}});
  const graph = (nodes: {name: string; op: string; in: string[]; out: string[]; domain?: string}[]) =>
    graphView(
      onnx.ModelProto.create({
        irVersion: 8,
        graph: {name: "g", node: nodes.map((n) => ({name: n.name, opType: n.op, domain: n.domain, input: n.in, output: n.out})), input: [vi("x")], output: [vi("y")]}
      })
    );

  it("a kernel whose output neither shares a name nor derives from one is reported 'unmatched'", () => {
    const base = graph([
      {name: "a", op: "Relu", in: ["x"], out: ["t1"]},
      {name: "b", op: "Sigmoid", in: ["t1"], out: ["t2"]},
      {name: "c", op: "Tanh", in: ["t2"], out: ["y"]}
    ]);
    const opt = graph([
      {name: "mystery", op: "Custom", domain: "com.example", in: ["x"], out: ["tok"]},
      {name: "c", op: "Tanh", in: ["tok"], out: ["y"]}
    ]);
    const fm = fusionMap(base, opt);
    assert.equal(fm.entries.find((e) => e.node_name === "mystery")!.kind, "unmatched");
    // The consumer stops only at shared values, so it takes what lies between: reported, not hidden.
    assert.deepEqual(fm.entries.find((e) => e.node_name === "c")!.original_nodes, ["a", "b", "c"]);
  });

  it("an original node no kernel runs is listed as removed", () => {
    const base = graph([
      {name: "drop", op: "Dropout", in: ["x"], out: ["d"]},
      {name: "id", op: "Identity", in: ["d"], out: ["y"]}
    ]);
    const opt = graph([]);
    const fm = fusionMap(base, opt);
    assert.deepEqual(fm.entries.map((e) => [e.kind, e.original_nodes]), [["removed", ["drop"]], ["removed", ["id"]]]);
  });

  it("reads the optimized graph from bytes and rejects a file that is not ONNX", () => {
    assert.throws(() => readGraph(new TextEncoder().encode('{"not": "onnx"}'), "opt.onnx"), /opt\.onnx: not an ONNX model/);
  });
});
