// Roofline ceilings: the classification arithmetic, the models the GEMM measurement runs, the
// measurement's shape (real, small sizes) and `inferscope profile roofline` storing once per host.
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import {closeSync, openSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, it} from "node:test";
import {bound, ceilingsFor, measureRoofline, rates, ridgePoint, singleOpModel} from "../../../loaders/profile/roofline.ts";
import {captureFsStdout} from "../../../loaders/profile/stdout-capture.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

describe("roofline arithmetic", () => {
  const rows = [
    {metric: "compute", threads: 1, best: 100},
    {metric: "compute", threads: 2, best: 180},
    {metric: "memory", threads: 1, best: 20},
    {metric: "memory", threads: 2, best: 15}
  ];

  it("a profile with T threads gets the best ceilings measured with at most T threads", () => {
    assert.deepEqual(ceilingsFor(rows, 1), {peak_gflops: 100, bandwidth_gbs: 20});
    // Two copy threads measured less than one (a busy machine): the one-thread figure still holds.
    assert.deepEqual(ceilingsFor(rows, 2), {peak_gflops: 180, bandwidth_gbs: 20});
    assert.deepEqual(ceilingsFor(rows, 8), {peak_gflops: 180, bandwidth_gbs: 20});
    assert.equal(ceilingsFor(rows.filter((r) => r.metric === "compute"), 2), null, "no ceiling without both measurements");
  });

  it("memory-bound left of the ridge point, compute-bound right of it", () => {
    const c = {peak_gflops: 180, bandwidth_gbs: 20};
    assert.equal(ridgePoint(c), 9);
    assert.equal(bound(2.25, c), "memory"); // a 3x3 depthwise conv's intensity
    assert.equal(bound(8.99, c), "memory");
    assert.equal(bound(9, c), "compute");
    assert.equal(bound(57, c), "compute"); // a 1x1 conv with 512 channels
  });

  it("rates: best from the fastest repetition, median from the median one", () => {
    assert.deepEqual(rates({work: 2e9, samples_ms: [20, 10, 40]}), {best: 200, median: 100});
  });
});

describe("roofline measurement", () => {
  it("the GEMM model is a MatMul with its weight as an initializer, and ORT computes it", async () => {
    const b = new Float32Array([1, 2, 3, 4]);
    const session = await ort.InferenceSession.create(singleOpModel("MatMul", {a: [2, 2]}, [2, 2], {b: {dims: [2, 2], data: b}}));
    const {y} = await session.run({a: new ort.Tensor("float32", new Float32Array([1, 0, 0, 1]), [2, 2])});
    assert.deepEqual([...(y.data as Float32Array)], [1, 2, 3, 4]);
    await session.release();
  });

  it("measures compute and memory per thread count, with the work each repetition does", async () => {
    const m = await measureRoofline({threads: [1, 2], gemmN: 64, copyBytes: 1 << 20, reps: 3});
    assert.deepEqual(m.map((x) => [x.metric, x.threads]), [["memory", 1], ["compute", 1], ["memory", 2], ["compute", 2]]);
    for (const x of m) {
      assert.equal(x.samples_ms.length, x.metric === "compute" ? 6 : 3);
      assert.ok(x.samples_ms.every((v) => v > 0));
      assert.equal(x.work, x.metric === "compute" ? 2 * 64 ** 3 : 2 * (1 << 20), "FLOPs of the GEMM; bytes read + written by the copy");
      assert.equal(x.unit, x.metric === "compute" ? "GFLOP/s" : "GB/s");
    }
  });
});

describe("inferscope profile roofline", () => {
  it("measures once per host and stores the ceilings; again only with --force", async () => {
    const store = await tempDir("inferscope-roofline-");
    const first = await cli(["profile", "roofline"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /roofline: measuring/);
    assert.match(first.stdout, /^1 thread: peak \d+\.\d GFLOP\/s, bandwidth \d+\.\d GB\/s, ridge point \d+\.\d FLOP\/byte$/m);
    const rows = await queryStore("SELECT metric, threads, best, median, unit, work, samples_ms, host_id FROM roofline_host ORDER BY metric, threads", {root: store});
    assert.ok(rows.length >= 2 && rows.some((r) => r.metric === "compute") && rows.some((r) => r.metric === "memory"));
    for (const r of rows) {
      assert.ok(r.best >= r.median && r.median > 0, `${r.metric} ${r.threads}: best ${r.best} >= median ${r.median}`);
      assert.equal(r.best, r.work / (Math.min(...r.samples_ms) / 1000) / 1e9);
    }
    const again = await cli(["profile", "roofline"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already in the store/);
    assert.equal((await queryStore("SELECT count(*)::INTEGER AS n FROM roofline_host", {root: store}))[0].n, rows.length);
    const forced = await cli(["profile", "roofline", "--force", "--json"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse(forced.stdout).measured, true);
    assert.equal((await queryStore("SELECT count(*)::INTEGER AS n FROM roofline_host", {root: store}))[0].n, 2 * rows.length);
  });
});

describe("capturing what onnxruntime-web prints", () => {
  it("keeps fd 1 writes made through fs.writeSync while capturing; other writes pass through", async () => {
    const dir = await tempDir();
    const file = join(dir, "other.txt");
    const fd = openSync(file, "w");
    const fs = await import("node:fs");
    const original = fs.default.writeSync;
    const capture = captureFsStdout();
    assert.notEqual(fs.default.writeSync, original, "swapped while installed");
    let text: string;
    try {
      text = await capture.during(() => {
        fs.default.writeSync(1, '[\n{"cat" : "Session"}\n');
        fs.default.writeSync(1, Buffer.from("]\n"));
        fs.default.writeSync(fd, "kept");
      });
    } finally {
      capture.restore();
      closeSync(fd);
    }
    assert.equal(text, '[\n{"cat" : "Session"}\n]\n');
    assert.equal(readFileSync(file, "utf8"), "kept");
    assert.equal(fs.default.writeSync, original, "restored: Node's own writeSync again");
  });
});
