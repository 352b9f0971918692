// Preprocessing as the model expects it: channels-last (NHWC, as tf2onnx exports Keras models) or
// channels-first inputs, B,G,R channel order, per-channel mean/std; and a whole NHWC model quantized
// from a folder of images, with uint8 input.
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {UserError} from "../../../loaders/common/errors.ts";
import {GraphBuilder} from "../../../loaders/models/builder.ts";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {DataType, valueInfoShape} from "../../../loaders/models/onnx.ts";
import {parseMethod} from "../../../loaders/quantize/calibrate.ts";
import {generatedImage, imageLayout, pixelsToInput, sampleSets, uint8InputRange, type InputSpec} from "../../../loaders/quantize/inputs.ts";
import {build, calibrate, evaluate, prepare, referenceOutputs} from "../../../loaders/quantize/pipeline.ts";
import {preprocessOf} from "../../../loaders/quantize/study.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {ppm} from "./fixtures.ts";

const H = 4;
const W = 5;
/** Pixel (x, y) of the test images: R = 10x, G = 20y, B = 7. */
const pixel = (x: number, y: number): [number, number, number] => [10 * x, 20 * y, 7];

describe("preprocessing", () => {
  it("finds the layout from the shape", () => {
    assert.equal(imageLayout([1, 3, 224, 224]), "nchw");
    assert.equal(imageLayout([1, 224, 224, 3]), "nhwc");
    assert.equal(imageLayout([1, 1, 28, 28]), "nchw");
    assert.equal(imageLayout([1, 28, 28, 1]), "nhwc");
    assert.equal(imageLayout([1, 3, 8, 3]), "nchw", "an ambiguous shape keeps ONNX's channels-first convention");
    assert.equal(imageLayout([1, 1000]), null);
  });

  it("NHWC, BGR and per-channel mean/std put every pixel where the model reads it", async () => {
    const dir = await tempDir("inferscope-pre-");
    await writeFile(join(dir, "a.ppm"), ppm(W, H, pixel));
    const mean = [1, 2, 3];
    const std = [0.5, 0.25, 2];
    const spec: InputSpec = {name: "x", shape: [1, H, W, 3], range: [0, 255], layout: "nhwc", mean, std, bgr: true};
    const {calibration} = await sampleSets(spec, {calibration: 1, heldout: 0, images: dir});
    const got = calibration.samples[0];
    assert.equal(got.length, H * W * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const rgb = pixel(x, y);
        for (let ch = 0; ch < 3; ch++) {
          // Model channel 0 is blue: (B - mean[0]) / std[0], stored channels-last.
          const want = (rgb[2 - ch] - mean[ch]) / std[ch];
          assert.ok(Math.abs(got[(y * W + x) * 3 + ch] - want) < 1e-5, `(${x},${y}) channel ${ch}: ${got[(y * W + x) * 3 + ch]} vs ${want}`);
        }
      }
    }
    assert.match(calibration.source, /^1 images from .* \(NHWC, BGR, mean 1,2,3, std 0\.5,0\.25,2\)$/);
  });

  it("generated images are the same pictures in either layout", () => {
    const nchw = generatedImage({name: "x", shape: [1, 3, H, W], range: [-1, 1]}, 7);
    const nhwc = generatedImage({name: "x", shape: [1, H, W, 3], range: [-1, 1]}, 7);
    for (let ch = 0; ch < 3; ch++) for (let i = 0; i < H * W; i++) assert.equal(nhwc[i * 3 + ch], nchw[ch * H * W + i]);
    // Plain NCHW RGB is the range mapping alone (what calibration used before these options).
    const pixels = Float32Array.from({length: 3 * H * W}, (_, i) => i % 256);
    const mapped = pixelsToInput(pixels, {name: "x", shape: [1, 3, H, W], range: [0, 1]});
    assert.deepEqual([...mapped], [...Float32Array.from(pixels, (p) => 0 + (p / 255) * (1 - 0))]);
  });

  it("--uint8-input takes one range: uniform mean/std fold into it, per-channel ones are refused", () => {
    assert.deepEqual(uint8InputRange({name: "x", shape: [1, 3, 2, 2], range: [0, 255], mean: [127.5], std: [127.5]}), [-1, 1]);
    assert.deepEqual(uint8InputRange({name: "x", shape: [1, 3, 2, 2], range: [0, 1]}), [0, 1]);
    assert.throws(() => uint8InputRange({name: "x", shape: [1, 3, 2, 2], range: [0, 1], mean: [0.485, 0.456, 0.406]}), (e: Error) => e instanceof UserError && /differ per channel/.test(e.message));
  });

  it("bad --mean/--std are refused with what to give", () => {
    const model = {name: "m", file: "/m.onnx", source: "file" as const};
    assert.deepEqual(preprocessOf(model, {mean: "0.485, 0.456,0.406", std: "0.229,0.224,0.225", bgr: true}), {range: [0, 1], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], bgr: true});
    assert.throws(() => preprocessOf(model, {mean: "a,b"}), /--mean a,b: expected one number or one per channel/);
    assert.throws(() => preprocessOf(model, {std: "1,0,1"}), /--std 1,0,1: .*all above 0/);
    assert.throws(() => preprocessOf(model, {mean: "1,2,3", uint8Input: true}), /--uint8-input .* differ per channel/);
  });
});

describe("an NHWC model (as tf2onnx exports Keras)", () => {
  it("is calibrated on images laid out channels-last, quantized with a uint8 NHWC input, and agrees with the float model", async () => {
    const dir = await tempDir("inferscope-nhwc-");
    // input [N,16,16,3] -> Transpose to NCHW -> conv -> relu -> conv -> pool -> fc -> softmax
    const g = new GraphBuilder("nhwc_cnn", [16, 16, 3]);
    let x = g.node("Transpose", [g.input], "to_nchw", {perm: [0, 3, 1, 2]});
    x = g.relu(g.conv(x, "conv1", {filters: 8, kernel: 3, padding: "same", bias: true}), "relu1");
    x = g.relu(g.conv(x, "conv2", {filters: 8, kernel: 3, padding: "same", bias: true}), "relu2");
    x = g.softmax(g.dense(g.flatten(g.globalAvgPool(x, "pool"), "flatten"), "fc", 10), "softmax");
    const file = join(dir, "nhwc_cnn.onnx");
    await writeFile(file, encodeModel(g.finish(x, "an NHWC test model")));
    const images = join(dir, "images");
    const {mkdir} = await import("node:fs/promises");
    await mkdir(images);
    for (let i = 0; i < 6; i++) await writeFile(join(images, `im${i}.ppm`), ppm(20, 18, (px, py) => [(px * 13 + i * 40) % 256, (py * 11 + i * 25) % 256, ((px + py) * 7) % 256]));

    const p = await prepare(file, {range: [0, 255], mean: [127.5], std: [127.5]});
    assert.equal(p.spec.layout, "nhwc");
    const sets = await sampleSets(p.spec, {calibration: 4, heldout: 2, images});
    assert.equal(sets.heldout.kind, "images");
    // Mean/std 127.5 map pixels 0..255 to -1..1.
    for (const s of sets.calibration.samples) assert.ok(s.every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6));
    const stats = await calibrate(p, sets.calibration.samples, {histograms: false, threads: 1});
    const b = build(p, stats, {method: parseMethod("minmax"), symmetric: false, uint8Input: true});
    const input = b.model.graph!.input![0];
    assert.equal(input.type?.tensorType?.elemType, DataType.UINT8);
    assert.deepEqual(valueInfoShape(input)?.slice(1), [16, 16, 3], "the uint8 input keeps the NHWC shape");
    assert.equal(b.report.quantized.Conv, 2);
    const reference = await referenceOutputs(p, sets.heldout.samples, {threads: 1});
    const e = await evaluate(p, b, sets.heldout.samples, reference, {sqnrSamples: 2, threads: 1});
    assert.equal(e.agreement.samples, 2);
    assert.ok(e.agreement.cosine_mean > 0.95, `cosine ${e.agreement.cosine_mean}`);
  });
});
