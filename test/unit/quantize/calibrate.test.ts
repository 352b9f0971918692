// Calibration methods on the same statistics: minmax, percentile and entropy give different ranges,
// each with the semantics of ONNX Runtime's calibrators; scale and zero point as ORT computes them.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {calibrateRange, entropyRange, parseMethod, percentileRange} from "../../../loaders/quantize/calibrate.ts";
import {addToHistogram, absMax, collectStats, HIST_BINS, type TensorStats} from "../../../loaders/quantize/collect.ts";
import {activationParams, pixelParams, quantizeBias, quantizeWeights, roundHalfEven} from "../../../loaders/quantize/params.ts";
import {generatedSet, inputSpec} from "../../../loaders/quantize/inputs.ts";
import {activationTensors} from "../../../loaders/quantize/qdq.ts";
import {mulberry32} from "../../../loaders/common/random.ts";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {modelSpec} from "../../../loaders/models/zoo.ts";
import {readModel} from "../../../loaders/models/onnx.ts";
import {UserError} from "../../../loaders/common/errors.ts";

/** Statistics of `values` as collectStats keeps them. */
function statsOf(values: Float32Array): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const s: TensorStats = {name: "t", min, max, count: values.length, hist: new Float64Array(HIST_BINS)};
  addToHistogram(s.hist!, values, absMax(s));
  return s;
}

/** Gaussian-ish values (sum of uniforms) with a few large outliers, seeded. */
function heavyTailed(n: number, seed = 7): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() + r() + r() + r() - 2) * 1.0;
  for (let i = 0; i < 6; i++) out[Math.floor(r() * n)] = 12 + r() * 8; // rare large activations (fewer than the 10 a 99.99 percentile cuts per side)
  return out;
}

describe("calibration methods", () => {
  const data = heavyTailed(200_000);
  const s = statsOf(data);

  it("give different ranges on the same data", () => {
    const mm = calibrateRange(s, parseMethod("minmax"), false);
    const pc = calibrateRange(s, parseMethod("percentile"), false);
    const en = calibrateRange(s, parseMethod("entropy"), false);
    assert.deepEqual(mm, [s.min, s.max]);
    assert.ok(mm[1] > 12, `minmax keeps the outliers: ${mm}`);
    // Percentile 99.99 of 200k values cuts 10 values from each side: the 6 outliers go, the bulk (|x| <= 2) stays.
    assert.ok(pc[1] < mm[1] && pc[1] > 1.2 && pc[1] <= 3, `percentile clips the tail: ${pc}`);
    assert.ok(pc[0] < -1.2 && pc[0] >= s.min, `percentile low end: ${pc}`);
    assert.ok(en[1] < mm[1], `entropy clips the outliers: ${en}`);
    assert.notDeepEqual(en, pc);
    // A lower percentile clips more.
    const p999 = calibrateRange(s, parseMethod("percentile=99.9"), false);
    assert.ok(p999[1] < pc[1], `99.9 < 99.99: ${p999} vs ${pc}`);
  });

  it("percentile is symmetric on |x| with symmetric activations", () => {
    const [lo, hi] = percentileRange(s, 99.99, true);
    assert.equal(lo, -hi);
    const share = data.filter((v) => Math.abs(v) <= hi).length / data.length;
    assert.ok(share >= 0.9999 && share < 1, `${share} of |x| within the threshold`);
  });

  it("ranges never exceed what was seen", () => {
    const relu = statsOf(data.map((v) => Math.max(0, v)));
    for (const m of ["minmax", "percentile", "entropy"]) {
      const [lo, hi] = calibrateRange(relu, parseMethod(m), true);
      assert.ok(lo >= 0 && hi <= relu.max, `${m}: ${lo}..${hi}`);
    }
    assert.ok(entropyRange(relu)[1] < relu.max);
  });

  it("rejects unknown methods and bad percentiles with a user error", () => {
    assert.throws(() => parseMethod("kl"), UserError);
    assert.throws(() => parseMethod("percentile=101"), UserError);
    assert.throws(() => parseMethod("minmax=3"), UserError);
    assert.deepEqual(parseMethod("percentile=99.9"), {kind: "percentile", percentile: 99.9});
    assert.deepEqual(parseMethod("percentile"), {kind: "percentile", percentile: 99.99});
  });

  it("differ on ranges collected from a real model run in onnxruntime-node", async () => {
    const model = readModel(encodeModel(modelSpec("tiny_cnn")));
    const spec = inputSpec(model, [0, 1]);
    const stats = await collectStats(model, activationTensors(model), generatedSet(spec, 4, "calibration").samples, spec, {histograms: true, threads: 1});
    assert.ok(stats.size >= 10, `tensors calibrated: ${stats.size}`);
    const differ = {entropy: 0, percentile: 0, both: 0};
    for (const st of stats.values()) {
      const mm = calibrateRange(st, {kind: "minmax"}, false);
      const en = calibrateRange(st, {kind: "entropy"}, false);
      const pc = calibrateRange(st, {kind: "percentile", percentile: 99.9}, false);
      if (en[1] < mm[1]) differ.entropy++;
      if (pc[1] < mm[1]) differ.percentile++;
      if (en[1] !== pc[1]) differ.both++;
      const total = st.hist!.reduce((a, b) => a + b, 0);
      assert.equal(total, st.count, `${st.name}: every value binned`);
    }
    // Tensors of a few values (the logits) have no tail to clip; the convolution outputs do.
    assert.ok(differ.entropy >= stats.size / 2 && differ.percentile >= stats.size / 2 && differ.both >= stats.size / 2, `tensors whose ranges differ: ${JSON.stringify(differ)} of ${stats.size}`);
  });
});

describe("quantization parameters", () => {
  it("uint8 asymmetric: the range includes zero and zero is exact", () => {
    const p = activationParams([0.5, 6], false);
    assert.equal(p.type, "uint8");
    assert.equal(p.zeroPoint, 0);
    assert.equal(p.scale, Math.fround(6 / 255));
    const q = activationParams([-1, 3], false);
    assert.equal(q.zeroPoint, Math.round(1 / Math.fround(4 / 255)));
  });

  it("int8 symmetric: zero point 0, scale max|x| / 127", () => {
    const p = activationParams([-0.5, 2.54], true);
    assert.deepEqual(p, {scale: Math.fround(2.54 / 127), zeroPoint: 0, type: "int8"});
    assert.deepEqual(activationParams([0, 0], true), {scale: 1, zeroPoint: 0, type: "int8"});
  });

  it("uint8 input pixels map 0..255 onto the input range", () => {
    assert.deepEqual(pixelParams([0, 1]), {scale: Math.fround(1 / 255), zeroPoint: 0, type: "uint8"});
    assert.deepEqual(pixelParams([0, 255]), {scale: 1, zeroPoint: 0, type: "uint8"});
  });

  it("weights per output channel, symmetric int8; bias int32 at input x weight scale", () => {
    // Two channels of 2 values: channel 0 max 1.27, channel 1 max 0.254.
    const {q, scales} = quantizeWeights(Float32Array.of(1.27, -0.5, 0.254, 0.1), [2, 2], 0);
    assert.deepEqual([...scales], [Math.fround(1.27 / 127), Math.fround(0.254 / 127)]);
    assert.deepEqual([...q], [127, -50, 127, 50]);
    // Along axis 1 (Gemm without transB, MatMul): per column.
    assert.deepEqual([...quantizeWeights(Float32Array.of(1, 0.5, -0.5, 0.25), [2, 2], 1).q], [127, 127, -64, 64]);
    assert.deepEqual([2.5, -2.5, 3.5, -63.5, 1.4].map(roundHalfEven), [2, -2, 4, -64, 1]);
    const b = quantizeBias(Float32Array.of(0.5, -0.25), 0.1, scales);
    assert.deepEqual([...b.scales], [Math.fround(0.1 * scales[0]), Math.fround(0.1 * scales[1])]);
    assert.equal(b.q[0], Math.round(0.5 / b.scales[0]));
  });
});
