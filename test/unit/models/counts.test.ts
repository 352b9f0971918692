// Parameter and FLOP counts of the zoo against published figures, and the counter's arithmetic by hand.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {analyzeModel} from "../../../loaders/models/info.ts";
import {buildModelBytes, countZooModel, STUDY_MODELS} from "../../../loaders/models/zoo.ts";

// The study's published FLOPs (Keras models, counted with the TensorFlow profiler / keras-flops).
const PUBLISHED_FLOPS: Record<string, number> = {
  mobilenet_v1: 1.137e9,
  mobilenet_v2: 0.602e9,
  efficientnet_b0: 0.783e9,
  resnet50: 7.728e9,
  densenet201: 8.585e9
};

// keras.applications' model.count_params() for the same layouts.
const KERAS_PARAMS: Record<string, number> = {
  mobilenet_v1: 4_253_864,
  mobilenet_v2: 3_538_984,
  efficientnet_b0: 5_330_571,
  resnet50: 25_636_712,
  densenet201: 20_242_984,
  vgg16: 138_357_544,
  inception_v3: 23_851_784
};

describe("zoo counts against published figures", () => {
  it("covers exactly the five study models", () => {
    assert.deepEqual([...STUDY_MODELS].sort(), Object.keys(PUBLISHED_FLOPS).sort());
  });

  for (const name of Object.keys(PUBLISHED_FLOPS)) {
    it(`${name}: FLOPs within 1% of the published ${PUBLISHED_FLOPS[name] / 1e9} G`, () => {
      const info = countZooModel(name);
      const deviation = Math.abs(info.flops / PUBLISHED_FLOPS[name] - 1);
      assert.ok(deviation < 0.01, `${name}: ${info.flops} FLOPs is ${(deviation * 100).toFixed(2)}% from ${PUBLISHED_FLOPS[name]}`);
      assert.deepEqual(info.uncounted_ops, []);
    });
  }

  it("parameters equal Keras' counts (EfficientNetB0: Keras also counts Normalization's sample count)", () => {
    for (const [name, params] of Object.entries(KERAS_PARAMS)) {
      const expected = name === "efficientnet_b0" ? params - 1 : name === "inception_v3" ? params + 1952 : params;
      assert.equal(countZooModel(name).params, expected, name);
    }
  });

  it("InceptionV3's extra parameters are exactly one shared ones-gamma per distinct BatchNormalization width", () => {
    const info = countZooModel("inception_v3", {shapes: true});
    const widths = new Set(Object.entries(info.tensor_shapes!).filter(([k]) => /^batch_normalization(_\d+)?$/.test(k)).map(([, s]) => s[1]));
    assert.equal([...widths].reduce((a, b) => a + b, 0), 1952);
  });

  it("torchvision models: SqueezeNet 1.1 exact; ResNet18 adds BatchNormalization running stats (buffers in torch)", () => {
    assert.equal(countZooModel("squeezenet1_1").params, 1_235_496);
    const bnChannels = 64 + 4 * 64 + 5 * 128 + 5 * 256 + 5 * 512;
    assert.equal(countZooModel("resnet18").params, 11_689_512 + 2 * bnChannels);
  });

  it("2 x MACs alone would miss EfficientNetB0 by more than 1%: element-wise ops and pooling count", () => {
    const info = countZooModel("efficientnet_b0");
    assert.ok(Math.abs((2 * info.macs) / PUBLISHED_FLOPS.efficientnet_b0 - 1) > 0.01);
    assert.ok(info.by_op_type.Mul.flops > 8e6);
  });

  it("ResNet50's non-MAC FLOPs by hand: residual adds, the max pool and conv biases", () => {
    const info = countZooModel("resnet50");
    const adds = 56 * 56 * 256 * 3 + 28 * 28 * 512 * 4 + 14 * 14 * 1024 * 6 + 7 * 7 * 2048 * 3;
    assert.equal(info.by_op_type.Add.flops, adds);
    assert.equal(info.by_op_type.MaxPool.flops, 56 * 56 * 64 * 9);
    assert.equal(info.by_op_type.GlobalAveragePool.flops, 7 * 7 * 2048);
    assert.equal(info.by_op_type.Softmax.flops, 5 * 1000);
    assert.equal(info.by_op_type.Gemm.macs, 2048 * 1000);
    assert.equal(info.by_op_type.Gemm.flops, 2 * 2048 * 1000 + 1000);
    assert.equal(info.by_op_type.Relu.flops, 0);
    assert.equal(info.by_op_type.BatchNormalization.flops, 0);
    // BatchNormalization: 4 numbers per channel (gamma, beta, moving mean, moving variance) as in Keras.
    const stacks = [[64, 3], [128, 4], [256, 6], [512, 3]];
    const bnChannels = 64 + stacks.reduce((s, [f, blocks]) => s + blocks * (f + f + 4 * f) + 4 * f, 0);
    assert.equal(info.by_op_type.BatchNormalization.params, 4 * bnChannels);
  });

  it("tiny_cnn by hand: MACs and FLOPs of each layer", () => {
    const info = countZooModel("tiny_cnn");
    const conv = 32 * 32 * 8 * (3 * 9) + 16 * 16 * 16 * (8 * 9) + 8 * 8 * 32 * (16 * 9);
    assert.equal(info.by_op_type.Conv.macs, conv);
    assert.equal(info.by_op_type.Conv.flops, 2 * conv);
    assert.equal(info.macs, conv + 32 * 10);
    assert.equal(info.flops, 2 * conv + (2 * 32 * 10 + 10) + 8 * 8 * 32 + 5 * 10);
    assert.equal(info.params, 8 * 27 + 16 * 72 + 32 * 144 + 4 * (8 + 16 + 32) + 32 * 10 + 10);
  });

  it("VGG16 is counted without building it: 138,357,544 parameters, 15.47 GMACs", () => {
    const info = countZooModel("vgg16");
    assert.equal(info.params, 138_357_544);
    assert.ok(Math.abs(info.macs / 15.47e9 - 1) < 0.001, String(info.macs));
  });

  it("FLOPs scale with the batch size given for the symbolic batch dimension", () => {
    const one = countZooModel("mobilenet_v2");
    const eight = countZooModel("mobilenet_v2", {batch: 8});
    assert.equal(eight.flops, 8 * one.flops);
    assert.equal(eight.params, one.params);
  });

  for (const name of ["mobilenet_v1", "resnet50", "densenet201"]) {
    it(`${name}: counting the built ONNX file gives the graph's counts`, () => {
      const fromFile = analyzeModel(buildModelBytes(name));
      const fromGraph = countZooModel(name);
      assert.equal(fromFile.params, fromGraph.params);
      assert.equal(fromFile.flops, fromGraph.flops);
      assert.equal(fromFile.macs, fromGraph.macs);
      assert.deepEqual(fromFile.by_op_type, fromGraph.by_op_type);
    });
  }
});
