// Zoo builders: graph conventions, layer shapes of each architecture, weight encoding, and the cache.
import assert from "node:assert/strict";
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, it} from "node:test";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {defaultOpset, elementCount, readModel, tensorDims, valueInfoShape} from "../../../loaders/models/onnx.ts";
import {WeightStream} from "../../../loaders/models/weights.ts";
import {buildModelBytes, countZooModel, ensureModel, modelSpec, ZOO} from "../../../loaders/models/zoo.ts";
import {tempDir} from "../../helpers/tmp.ts";

// Layer outputs at batch 1, from the published architectures (Keras/torchvision summaries, NCHW).
const SHAPES: Record<string, Record<string, number[]>> = {
  mobilenet_v1: {conv1: [1, 32, 112, 112], conv_dw_2: [1, 64, 56, 56], conv_pw_13_relu: [1, 1024, 7, 7], conv_preds: [1, 1000, 1, 1]},
  mobilenet_v2: {Conv1: [1, 32, 112, 112], expanded_conv_project_BN: [1, 16, 112, 112], block_2_add: [1, 24, 56, 56], block_16_project_BN: [1, 320, 7, 7], out_relu: [1, 1280, 7, 7]},
  efficientnet_b0: {stem_conv: [1, 32, 112, 112], block2a_expand_conv: [1, 96, 112, 112], block2a_dwconv: [1, 96, 56, 56], block4a_se_reduce: [1, 10, 1, 1], block6a_dwconv: [1, 672, 7, 7], block7a_project_bn: [1, 320, 7, 7], top_activation: [1, 1280, 7, 7]},
  resnet50: {conv1_conv: [1, 64, 112, 112], pool1_pool: [1, 64, 56, 56], conv2_block3_out: [1, 256, 56, 56], conv3_block1_out: [1, 512, 28, 28], conv4_block6_out: [1, 1024, 14, 14], conv5_block3_out: [1, 2048, 7, 7]},
  densenet201: {pool1: [1, 64, 56, 56], conv2_block6_concat: [1, 256, 56, 56], pool2_pool: [1, 128, 28, 28], pool3_pool: [1, 256, 14, 14], conv4_block48_concat: [1, 1792, 14, 14], pool4_pool: [1, 896, 7, 7], relu: [1, 1920, 7, 7]},
  resnet18: {maxpool: [1, 64, 56, 56], "layer2.0.relu2": [1, 128, 28, 28], "layer4.1.relu2": [1, 512, 7, 7]},
  vgg16: {block1_conv2: [1, 64, 224, 224], block5_pool: [1, 512, 7, 7], flatten: [1, 25088], fc2: [1, 4096]},
  squeezenet1_1: {"features.0": [1, 64, 111, 111], "features.2": [1, 64, 55, 55], "features.5": [1, 128, 27, 27], "features.8": [1, 256, 13, 13], "features.12.concat": [1, 512, 13, 13], "classifier.1": [1, 1000, 13, 13]},
  inception_v3: {max_pooling2d: [1, 64, 73, 73], max_pooling2d_1: [1, 192, 35, 35], mixed0: [1, 256, 35, 35], mixed2: [1, 288, 35, 35], mixed3: [1, 768, 17, 17], mixed7: [1, 768, 17, 17], mixed8: [1, 1280, 8, 8], mixed10: [1, 2048, 8, 8]},
  tiny_cnn: {relu1: [1, 8, 32, 32], relu2: [1, 16, 16, 16], relu3: [1, 32, 8, 8], fc: [1, 10]}
};

describe("zoo builders", () => {
  it("every zoo model has layer shapes checked here", () => {
    assert.deepEqual(Object.keys(SHAPES).sort(), Object.keys(ZOO).sort());
  });

  for (const [name, expected] of Object.entries(SHAPES)) {
    it(`${name}: layer shapes and graph conventions`, () => {
      const info = countZooModel(name, {shapes: true});
      for (const [tensor, shape] of Object.entries(expected)) assert.deepEqual(info.tensor_shapes![tensor], shape, `${name} ${tensor}`);
      assert.deepEqual(info.tensor_shapes!.output, [1, ...ZOO[name].outputShape]);
      assert.deepEqual(info.uncounted_ops, []);

      const {model} = modelSpec(name);
      assert.ok(defaultOpset(model) >= 13);
      const [input] = model.graph!.input!;
      const [output] = model.graph!.output!;
      assert.equal(model.graph!.input!.length, 1);
      assert.equal(input.name, "input");
      assert.equal(input.type!.tensorType!.elemType, 1, "float32");
      assert.deepEqual(valueInfoShape(input), ["N", ...ZOO[name].inputShape]);
      assert.equal(output.name, "output");
      assert.deepEqual(valueInfoShape(output), ["N", ...ZOO[name].outputShape]);
    });
  }

  it("weights are raw_data (float32, little-endian) from per-tensor seeded streams, never float_data", () => {
    const spec = modelSpec("tiny_cnn");
    const model = readModel(buildModelBytes("tiny_cnn"));
    const byName = new Map(model.graph!.initializer!.map((t) => [t.name!, t]));
    assert.equal(byName.size, spec.weights.length + spec.model.graph!.initializer!.length);
    for (const w of spec.weights) {
      const t = byName.get(w.name)!;
      assert.deepEqual(tensorDims(t), w.dims);
      assert.equal(t.floatData?.length ?? 0, 0);
      assert.equal(t.rawData!.length, 4 * elementCount(w.dims));
      const expected = new Float32Array(elementCount(w.dims));
      new WeightStream("tiny_cnn", w).fill(expected);
      assert.deepEqual(new Uint8Array(t.rawData!), new Uint8Array(expected.buffer), w.name);
    }
  });

  it("weight values are sane: He-scaled convs, positive BatchNormalization variances, no two tensors alike", () => {
    const model = readModel(buildModelBytes("tiny_cnn"));
    const values = (name: string) => {
      const t = model.graph!.initializer!.find((x) => x.name === name)!;
      return new Float32Array(t.rawData!.slice().buffer);
    };
    const conv2 = values("conv2.weight");
    const bound = Math.sqrt(6 / (8 * 9));
    assert.ok(conv2.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...conv2.map(Math.abs)) > 0.9 * bound);
    assert.ok(values("bn1.var").every((v) => v >= 1 && v <= 1.5));
    assert.notDeepEqual(values("bn1.mean"), values("bn1.bias"));
  });

  it("building is deterministic: the same bytes every time", () => {
    assert.deepEqual(buildModelBytes("squeezenet1_1"), buildModelBytes("squeezenet1_1"));
  });

  it("streaming the file and encoding in memory give the same bytes", async () => {
    const dir = await tempDir();
    const path = await ensureModel("squeezenet1_1", {dir});
    assert.deepEqual(new Uint8Array(readFileSync(path)), encodeModel(modelSpec("squeezenet1_1")));
  });

  it("ensureModel builds <dir>/<name>.onnx only when absent and leaves no temp files", async () => {
    const dir = join(await tempDir(), "nested", "models");
    const path = await ensureModel("tiny_cnn", {dir});
    assert.equal(path, join(dir, "tiny_cnn.onnx"));
    assert.deepEqual(readdirSync(dir), ["tiny_cnn.onnx"]);
    const size = statSync(path).size;
    // A file already there is returned as is, not rebuilt.
    writeFileSync(path, "marker");
    assert.equal(await ensureModel("tiny_cnn", {dir}), path);
    assert.equal(readFileSync(path, "utf8"), "marker");
    // force rebuilds it.
    await ensureModel("tiny_cnn", {dir, force: true});
    assert.equal(statSync(path).size, size);
    assert.deepEqual(readdirSync(dir), ["tiny_cnn.onnx"]);
  });

  it("an aborted build leaves neither the model nor a temp file", async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(ensureModel("mobilenet_v1", {dir, signal: controller.signal}));
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(existsSync(join(dir, "mobilenet_v1.onnx")), false);
  });

  it("unknown model names are user errors with the zoo listed", async () => {
    assert.throws(() => buildModelBytes("mobilenet_v3"), {name: "UserError", message: /unknown model 'mobilenet_v3'/});
    await assert.rejects(ensureModel("resnet51"), {name: "UserError", hint: /resnet50/});
  });
});
