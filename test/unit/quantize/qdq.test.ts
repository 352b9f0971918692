// The QDQ rewrite on real zoo models and on a model with an op the quantizer does not handle: the
// quantized models load and run in onnxruntime-node, every Conv reads QuantizeLinear/DequantizeLinear
// pairs and int8 weights, agreement with the float model is measured, unsupported ops stay in float.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {GraphBuilder} from "../../../loaders/models/builder.ts";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {DataType, defaultOpset, listNodes, readModel, type ModelProto} from "../../../loaders/models/onnx.ts";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {parseMethod} from "../../../loaders/quantize/calibrate.ts";
import {generatedSet} from "../../../loaders/quantize/inputs.ts";
import {build, calibrate, evaluate, prepare, referenceOutputs, type Built, type Prepared} from "../../../loaders/quantize/pipeline.ts";
import {openRunner} from "../../../loaders/quantize/session.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";

/** Per Conv of the quantized graph: whether its activation input and its weight come from DequantizeLinear, and of which type. */
function convInputs(model: ModelProto) {
  const nodes = listNodes(model);
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name, t]));
  return nodes.filter((n) => n.op_type === "Conv").map((n) => {
    const x = producer.get(n.inputs[0]);
    const w = producer.get(n.inputs[1]);
    return {
      name: n.name,
      xFromDq: x?.op_type === "DequantizeLinear" && producer.get(x.inputs[0])?.op_type === "QuantizeLinear",
      wFromDq: w?.op_type === "DequantizeLinear",
      wType: w ? inits.get(w.inputs[0])?.dataType : undefined,
      wAxis: w?.attributes.axis,
      wScales: w ? (inits.get(w.inputs[1])?.dims ?? []).length : 0
    };
  });
}

/** QuantizeLinear nodes whose output feeds a DequantizeLinear: the QDQ pairs. */
function qdqPairs(model: ModelProto): number {
  const nodes = listNodes(model);
  const dqInputs = new Set(nodes.filter((n) => n.op_type === "DequantizeLinear").map((n) => n.inputs[0]));
  return nodes.filter((n) => n.op_type === "QuantizeLinear" && dqInputs.has(n.outputs[0])).length;
}

async function quantizeZoo(name: string, o: {samples: number; heldout: number; symmetric?: boolean; uint8Input?: boolean}): Promise<{p: Prepared; b: Built; agreement: Awaited<ReturnType<typeof evaluate>>}> {
  const p = await prepare(await ensureModel(name), [0, 1]);
  const stats = await calibrate(p, generatedSet(p.spec, o.samples, "calibration").samples, {histograms: false});
  const b = build(p, stats, {method: parseMethod("minmax"), symmetric: !!o.symmetric, uint8Input: !!o.uint8Input});
  const held = generatedSet(p.spec, o.heldout, "heldout").samples;
  const reference = await referenceOutputs(p, held);
  return {p, b, agreement: await evaluate(p, b, held, reference, {sqnrSamples: 1})};
}

describe("QDQ quantization of zoo models", () => {
  it("mobilenet_v1: every Conv quantized, runs in onnxruntime-node, top-1 agreement reported", async () => {
    const {p, b, agreement} = await quantizeZoo("mobilenet_v1", {samples: 2, heldout: 3});
    const convs = convInputs(b.model);
    assert.equal(convs.length, 28, "MobileNetV1 has 28 convolutions (BatchNormalization folded in)");
    for (const c of convs) {
      assert.ok(c.xFromDq, `${c.name}: input through QuantizeLinear -> DequantizeLinear`);
      assert.ok(c.wFromDq && c.wType === DataType.INT8 && c.wAxis === 0 && c.wScales === 1, `${c.name}: int8 per-channel weight (axis 0)`);
    }
    // One pair per quantized activation tensor: the graph input, the 28 Conv outputs (27 with their ReLU6
    // folded into Q, and the classifier conv), the pooling and the flatten before the classifier:
    const pairs = qdqPairs(b.model);
    assert.equal(pairs, b.report.qdq_pairs);
    const nodes = listNodes(b.model);
    const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n.op_type] as const)));
    const quantizedFrom: Record<string, number> = {};
    for (const q of nodes.filter((n) => n.op_type === "QuantizeLinear")) {
      const from = producer.get(q.inputs[0]) ?? "graph input";
      quantizedFrom[from] = (quantizedFrom[from] ?? 0) + 1;
    }
    assert.deepEqual(quantizedFrom, {"graph input": 1, Conv: 28, GlobalAveragePool: 1, Flatten: 1});
    assert.equal(pairs, 31);
    assert.equal(b.report.quantized.Conv, 28);
    assert.equal(b.report.removed.Clip, 27, "ReLU6 (Clip 0..6) folded into the uint8 quantization of each Conv output");
    assert.deepEqual(Object.keys(b.report.float_ops), ["Softmax"], "only the final Softmax stays in float");
    assert.equal(defaultOpset(b.model), 13);
    // ONNX Runtime fuses every DQ -> Conv -> Q into an integer QLinearConv (what makes INT8 fast).
    const dir = await tempDir();
    const optimized = join(dir, "mnv1-int8-ort.onnx");
    await (await openRunner(b.bytes, {opt: "extended", threads: 1, optimizedModelFile: optimized})).release();
    const fused = listNodes(readModel(new Uint8Array(await readFile(optimized))));
    assert.equal(fused.filter((n) => n.op_type === "QLinearConv").length, 28, "28 QLinearConv after ORT's QDQ fusion");
    assert.equal(fused.filter((n) => n.op_type === "Conv").length, 0, "no float Conv left");
    assert.equal(agreement.agreement.samples, 3);
    assert.ok(agreement.agreement.top1 >= 0 && agreement.agreement.top1 <= 1);
    // Cosine and SQNR compare the logits (the final Softmax's input), where differences are not squeezed.
    const flatten = listNodes(p.model).find((n) => n.op_type === "Flatten")!;
    assert.equal(agreement.agreement.compared_on, `logits '${flatten.outputs[0]}'`);
    assert.ok(agreement.agreement.cosine_mean > 0.99, `logits stay close to float: cosine ${agreement.agreement.cosine_mean}`);
    assert.ok(agreement.layers.length >= 28 && agreement.layers.every((l) => l.sqnr_db > 10), "per-layer SQNR for every quantized tensor");
  });

  it("resnet50: Conv and Add quantized, runs in onnxruntime-node", async () => {
    const {b, agreement} = await quantizeZoo("resnet50", {samples: 1, heldout: 2, symmetric: true});
    const convs = convInputs(b.model);
    assert.equal(convs.length, 53);
    assert.ok(convs.every((c) => c.xFromDq && c.wFromDq && c.wType === DataType.INT8), "every Conv reads QDQ activations and int8 weights");
    assert.equal(b.report.quantized.Add, 16, "the 16 residual additions are quantized");
    // Symmetric activations: int8 zero points, Relu kept (a symmetric range does not clamp negatives).
    assert.equal(b.report.quantized.Relu, 49);
    const zps = (b.model.graph?.initializer ?? []).filter((t) => t.name?.endsWith("_zero_point") && t.dims?.length === 0);
    assert.ok(zps.length > 50 && zps.every((t) => t.dataType === DataType.INT8), "int8 activation zero points");
    assert.equal(qdqPairs(b.model), b.report.qdq_pairs);
    assert.equal(agreement.agreement.samples, 2);
    assert.ok(Number.isFinite(agreement.agreement.output_sqnr_db));
  });
});

describe("ops the quantizer does not handle", () => {
  it("stay in float between quantized nodes and are listed", async () => {
    // conv -> Elu (not handled) -> conv -> relu -> pool -> flatten -> gemm -> softmax
    const g = new GraphBuilder("with_elu", [3, 16, 16]);
    let x = g.conv(g.input, "conv1", {filters: 8, kernel: 3, padding: "same", bias: true});
    x = g.node("Elu", [x], "elu");
    x = g.relu(g.conv(x, "conv2", {filters: 8, kernel: 3, padding: "same", bias: true}), "relu2");
    x = g.flatten(g.globalAvgPool(x, "pool"), "flatten");
    x = g.softmax(g.dense(x, "fc", 5), "softmax");
    const bytes = encodeModel(g.finish(x, "a model with an Elu"));
    const dir = await tempDir();
    const file = join(dir, "with_elu.onnx");
    await writeFile(file, bytes);
    const p = await prepare(file, [0, 1]);
    const stats = await calibrate(p, generatedSet(p.spec, 2, "calibration").samples, {histograms: true});
    const b = build(p, stats, {method: parseMethod("percentile=99.9"), symmetric: false, uint8Input: true});
    assert.deepEqual(b.report.float_nodes.map((f) => [f.name, f.op_type]).sort(), [["elu", "Elu"], ["softmax", "Softmax"]]);
    assert.match(b.report.float_nodes.find((f) => f.op_type === "Elu")!.reason, /not handled/);
    assert.equal(b.report.quantized.Conv, 2);
    // The Elu reads conv1's dequantized output and its own output is quantized for conv2.
    const nodes = listNodes(b.model);
    const byOutput = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const elu = nodes.find((n) => n.op_type === "Elu")!;
    assert.equal(byOutput.get(elu.inputs[0])?.op_type, "DequantizeLinear");
    assert.ok(nodes.some((n) => n.op_type === "QuantizeLinear" && n.inputs[0] === elu.outputs[0]), "Elu output quantized for the next conv");
    // --uint8-input: the graph input is uint8 pixels behind one DequantizeLinear.
    const input = b.model.graph!.input![0];
    assert.equal(input.type?.tensorType?.elemType, DataType.UINT8);
    assert.equal(nodes[0].op_type, "DequantizeLinear");
    // It runs, on uint8 pixels, and stays close to the float model.
    const runner = await openRunner(b.bytes, {opt: "all", threads: 1});
    const out = await runner.run(new Uint8Array(3 * 16 * 16).fill(128), [1, 3, 16, 16]);
    await runner.release();
    assert.equal(out.output.length, 5);
    const held = generatedSet(p.spec, 4, "heldout").samples;
    const e = await evaluate(p, b, held, await referenceOutputs(p, held), {sqnrSamples: 2});
    assert.ok(e.agreement.cosine_mean > 0.95, `cosine ${e.agreement.cosine_mean}`);
    assert.ok(e.layers.some((l) => l.tensor === "elu"), "the float Elu's output is compared too (it is quantized for conv2)");
  });

  it("an Add or Mul with a float constant stays in float and is listed, not counted as quantized", async () => {
    const g = new GraphBuilder("with_scale", [3, 16, 16]);
    let x = g.relu(g.conv(g.input, "conv1", {filters: 8, kernel: 3, padding: "same", bias: true}), "relu1");
    x = g.node("Mul", [x, g.constant("channel_scale", [8, 1, 1], [1, 2, 3, 4, 0.5, 0.25, 1.5, 2.5])], "scale");
    x = g.relu(g.conv(x, "conv2", {filters: 8, kernel: 3, padding: "same", bias: true}), "relu2");
    x = g.softmax(g.dense(g.flatten(g.globalAvgPool(x, "pool"), "flatten"), "fc", 5), "softmax");
    const dir = await tempDir();
    const file = join(dir, "with_scale.onnx");
    await writeFile(file, encodeModel(g.finish(x, "a model with a constant Mul")));
    const p = await prepare(file, [0, 1]);
    const b = build(p, await calibrate(p, generatedSet(p.spec, 2, "calibration").samples, {histograms: false}), {method: parseMethod("minmax"), symmetric: false, uint8Input: false});
    const mul = b.report.float_nodes.find((f) => f.op_type === "Mul");
    assert.ok(mul, `the Mul is listed as float: ${JSON.stringify(b.report.float_nodes)}`);
    assert.match(mul.reason, /constant float input/);
    assert.equal(b.report.quantized.Mul, undefined);
    assert.equal(b.report.quantized.Conv, 2);
    const runner = await openRunner(b.bytes, {opt: "all", threads: 1});
    assert.equal((await runner.run(new Float32Array(3 * 16 * 16).fill(0.5), [1, 3, 16, 16])).output.length, 5);
    await runner.release();
  });

  it("a model below opset 13 is refused, naming its opset and how to convert it", async () => {
    // Rewriting only the opset number would change what ops mean (here Softmax's axis semantics); so: refuse.
    const spec = (await import("../../../loaders/models/zoo.ts")).modelSpec("tiny_cnn");
    const old = {...spec, model: {...spec.model, opsetImport: [{domain: "", version: 12}]}};
    assert.equal(defaultOpset(old.model), 12);
    const dir = await tempDir();
    const file = join(dir, "opset12.onnx");
    await writeFile(file, encodeModel(old));
    await assert.rejects(prepare(file, [0, 1]), (e: Error) => e.name === "UserError" && e.message.includes(file) && /opset is 12; .*needs opset 13/.test(e.message) && /version_converter/.test((e as {hint?: string}).hint ?? ""));
  });

  it("a truncated model is refused with a user error naming the file", async () => {
    const dir = await tempDir();
    const file = join(dir, "cut.onnx");
    const bytes = encodeModel((await import("../../../loaders/models/zoo.ts")).modelSpec("tiny_cnn"));
    await writeFile(file, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(prepare(file, [0, 1]), (e: Error) => e.name === "InputError" && e.message.includes(file) && /truncated/.test(e.message));
  });
});
