// The Quantization page's recommendation: best top-1 agreement, with one held-out input of slack, then speed.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
// @ts-expect-error: plain JavaScript component without type declarations
import {pickQuantSetting} from "../../../src/components/quantRecommendation.js";

const row = (method_label: string, top1: number, ms: number | null, sqnr = 20) => ({
  model: "m", status: "ok", method_label, samples: 8, activations: "uint8 asymmetric", heldout_samples: 16, top1_agreement: top1, top5_overlap: 1, int8_median_ms: ms, output_sqnr_db: sqnr, quant_file: `${method_label}.onnx`
});

describe("quantization recommendation", () => {
  it("treats agreement within one held-out input of the best as tied and takes the fastest", () => {
    const r = pickQuantSetting([row("minmax", 15 / 16, 2.0), row("percentile=99.99", 16 / 16, 2.5), row("entropy", 14 / 16, 1.0)])!;
    assert.equal(r.pick.method_label, "minmax", "1 of 16 behind the best, and faster");
    assert.equal(r.ties, 2, "entropy is two inputs behind: not tied");
    assert.match(r.why, /fastest of the 2 settings within one held-out input \(6%\) of the best top-1 agreement/);
  });

  it("without latencies takes the best output SQNR among the tied; failures and empty input give nothing", () => {
    const r = pickQuantSetting([row("minmax", 1, null, 18), row("entropy", 15 / 16, null, 25), {...row("percentile", 1, 1), status: "failed"}])!;
    assert.equal(r.pick.method_label, "entropy");
    assert.match(r.why, /best output SQNR .* \(no latency measured yet\)/);
    assert.equal(pickQuantSetting([{...row("x", 1, 1), status: "failed"}]), null);
  });
});
