// Calibration methods on the same statistics: minmax, percentile and entropy give different ranges,
// each with the semantics of ONNX Runtime's calibrators; scale and zero point as ORT computes them.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {calibrateRange, entropyRange, entropyThreshold, parseMethod, percentileRange} from "../../../loaders/quantize/calibrate.ts";
import {addToHistogram, absMax, collectStats, HIST_BINS, histogramEdges, type TensorStats} from "../../../loaders/quantize/collect.ts";
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

describe("entropy threshold, as ORT's get_entropy_threshold computes it", () => {
  // Expected values: ORT's HistogramCollector.get_entropy_threshold and quant_utils.smooth_distribution
  // run in numpy/scipy on the same histograms (float32 there, hence the tolerance on KL).
  it("small histogram: every candidate's KL and the chosen window", () => {
    // 16 bins over [-8, 8] (bin j = [j - 8, j - 7)), 4 levels: windows of half-width 2..8. One-sided like a
    // ReLU output: 30 zeros, a tail, one outlier in [7, 8).
    const hist = [0, 0, 0, 0, 0, 0, 0, 0, 30, 9, 6, 3, 0, 0, 0, 1];
    const {start, end, kl} = entropyThreshold(hist, 4);
    const ort = [2.170579433441162, 3.9990696907043457, 0.29921531677246094, 1.2342907190322876, 0.5034052133560181, 0.7061758637428284, 0.3977658152580261];
    assert.equal(kl.length, ort.length);
    for (const [i, v] of ort.entries()) assert.ok(Math.abs(kl[i] - v) < 1e-4, `candidate ${i}: ${kl[i]} vs ORT ${v}`);
    // Half-width 4: bins [4, 13) = (-4, 5), not the whole range although the outlier is then clipped. In
    // it q spreads level (8, 9) = 39 as int64 19, 19 (not 19.5) and the odd window's last bin gets no q.
    assert.deepEqual([start, end], [4, 13]);
    // Odd windows (half-width 3, 5, 7) leave their last bins out of q: much worse than their neighbours.
    assert.ok(kl[1] > kl[0] && kl[3] > kl[2] && kl[5] > kl[4]);
  });

  it("2048 bins, 128 levels: a zero spike with an exponential tail", () => {
    const hist = new Float64Array(2048);
    hist[1024] = 500_000;
    for (let j = 1025; j < 2048; j++) hist[j] = Math.floor(20000 * Math.exp(-(j - 1024) / 60));
    for (const j of [1700, 1900, 2047]) hist[j] += 1;
    const {start, end} = entropyThreshold(hist, 128);
    // ORT: half-width 384 bins (a multiple of 64), thresholds (edges[640], edges[1409]) = (-0.375, 0.3760) on [-1, 1].
    assert.deepEqual([start, end], [640, 1409]);
  });

  it("with ORT's default 128 bins there is one window, the whole range (entropy = minmax)", () => {
    const hist = Array.from({length: 128}, (_, j) => (j >= 64 ? 100 - j / 2 : 0));
    const {start, end, kl} = entropyThreshold(hist, 128);
    assert.deepEqual([start, end, kl.length], [0, 128, 1]);
  });

  it("histograms bin as numpy does: exact zeros in the bin [0, w) for any absmax", () => {
    // m * (4096 / 2m) rounds to 2047.999... for this m (and about 1 m in 8): zeros fell one bin low.
    for (const m of [Math.fround(0.018659), Math.fround(3.3693), 1, 0.1, 6]) {
      const hist = new Float64Array(HIST_BINS);
      addToHistogram(hist, Float32Array.of(0, 0, 0, m, -m), m);
      assert.equal(hist[HIST_BINS / 2], 3, `m=${m}: zeros in the first bin above 0`);
      assert.equal(hist[HIST_BINS / 2 - 1], 0, `m=${m}: nothing just below 0`);
      assert.equal(hist[HIST_BINS - 1], 1);
      assert.equal(hist[0], 1);
    }
    // A value on an edge goes to the bin above it (numpy's half-open bins).
    const edges = histogramEdges(2);
    const onEdge = Float32Array.of(edges[3000], edges[100]);
    const hist = new Float64Array(HIST_BINS);
    addToHistogram(hist, onEdge, 2);
    assert.equal(hist[3000] + hist[100], 2);
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
