// The three pipeline modes on the tiny test model: each processes exactly the images asked for, once
// each, with the same results; and the command writes one row per worker per mode.
import assert from "node:assert/strict";
import {before, describe, it} from "node:test";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {MODES, runMode, top5Digest, type ModeResult} from "../../../loaders/pipeline/modes.ts";
import {makeImage, postprocess, preprocess} from "../../../loaders/pipeline/workload.js";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

describe("pipeline workload", () => {
  it("resizes and normalizes an image into NCHW with ImageNet mean and std", () => {
    const rgb = new Uint8Array(5 * 3 * 3);
    for (let i = 0; i < rgb.length; i += 3) rgb.set([255, 0, 51], i);
    const out = preprocess(rgb, 5, 3, 3, 2, 4);
    assert.equal(out.length, 3 * 2 * 4);
    const expect = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0.2 - 0.406) / 0.225];
    for (let c = 0; c < 3; c++) for (let i = 0; i < 8; i++) assert.ok(Math.abs(out[c * 8 + i] - expect[c]) < 1e-5, `channel ${c}`);
    // Bilinear: a left-to-right ramp 0, 100, 200 over 3 pixels resized to 2 keeps the ends' mean.
    const ramp = new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200]);
    const r = preprocess(ramp, 3, 1, 1, 1, 2);
    assert.ok(Math.abs((r[0] * 0.229 + 0.485) * 255 - 25) < 1e-3 && Math.abs((r[1] * 0.229 + 0.485) * 255 - 175) < 1e-3, `${[...r]}`);
  });

  it("generates the same image for an index every time and a different one for another index", () => {
    assert.deepEqual(makeImage(7, 16, 8), makeImage(7, 16, 8));
    assert.notDeepEqual(makeImage(7, 16, 8), makeImage(8, 16, 8));
  });

  it("postprocesses with softmax and top-5, most likely first", () => {
    const top = postprocess([0, 3, 1, 5, 2, 4, -1], 5);
    assert.deepEqual(top.map((t) => t.cls), [3, 5, 1, 4, 2]);
    const z = [0, 3, 1, 5, 2, 4, -1].reduce((a, s) => a + Math.exp(s), 0);
    assert.ok(Math.abs(top[0].p - Math.exp(5) / z) < 1e-12);
  });
});

describe("pipeline modes on tiny_cnn", () => {
  let modelFile: string;
  const results = new Map<string, ModeResult>();
  const IMAGES = 37;

  before(async () => {
    modelFile = await ensureModel("tiny_cnn", {dir: await tempDir("inferscope-models-")});
    for (const mode of MODES) results.set(mode, await runMode(mode, {modelFile, images: IMAGES, workers: 2, threads: 1, optLevel: "all", imageW: 40, imageH: 30}));
  });

  for (const mode of MODES) {
    it(`${mode} processes exactly ${IMAGES} images, each once`, () => {
      const r = results.get(mode)!;
      assert.equal(r.images_done, IMAGES);
      assert.equal(r.latencies_ms.length, IMAGES);
      assert.equal(r.top5.length, IMAGES);
      assert.ok(r.top5.every((t) => Array.isArray(t) && t.length === 5), "a top-5 for every image index");
      const handled = r.usage.filter((u) => u.role !== "host").reduce((a, u) => a + u.images, 0);
      assert.equal(handled, IMAGES, `workers handled ${handled}`);
      assert.equal(r.usage.length, mode === "sync" ? 1 : mode === "parallel" ? 2 : 3);
      assert.equal(r.input_size, "3x32x32");
      for (const u of r.usage) assert.ok(u.infer_ms + u.prepost_ms <= r.total_ms + 1e-6, `${u.worker} busy within the wall time`);
    });
  }

  it("every mode computes the same top-5 for every image", () => {
    const digests = MODES.map((m) => top5Digest(results.get(m)!.top5));
    assert.equal(new Set(digests).size, 1, `digests: ${digests}`);
    assert.notEqual(top5Digest(results.get("sync")!.top5.slice(1)), digests[0], "the digest depends on every image");
  });

  it("the queue's host only pre/post-processes and its workers only infer", () => {
    const [host, ...inference] = results.get("queue")!.usage;
    assert.equal(host.role, "host");
    assert.equal(host.infer_ms, 0);
    assert.ok(host.prepost_ms > 0);
    assert.ok(inference.every((u) => u.role === "inference" && u.prepost_ms === 0 && u.infer_ms > 0));
  });
});

describe("inferscope sweep pipeline", () => {
  it("writes one row per worker per mode, every mode with all its images", async () => {
    const store = await tempDir("inferscope-store-");
    const env = {INFERSCOPE_STORE: store, INFERSCOPE_MODELS: await tempDir("inferscope-models-")};
    const r = await cli(["sweep", "pipeline", "--model", "tiny_cnn", "--images", "25", "--workers", "2", "--image-size", "40x30"], {env});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mode\s+workers\s+images/m);
    const rows = await queryStore("SELECT mode, workers, images, images_done, worker, role, worker_images, infer_pct + prepost_pct + idle_pct AS total_pct, top1_digest FROM pipeline_runs ORDER BY mode, worker", {root: store});
    assert.deepEqual(rows.map((x) => `${x.mode}/${x.worker}`), ["parallel/runner 1", "parallel/runner 2", "queue/host", "queue/inference 1", "queue/inference 2", "sync/loop"]);
    assert.ok(rows.every((x) => x.images === 25 && x.images_done === 25));
    assert.ok(rows.every((x) => Math.abs((x.total_pct as number) - 100) < 1e-6), "inference + pre/post + idle = 100%");
    assert.equal(new Set(rows.map((x) => x.top1_digest)).size, 1);
    const runs = await queryStore("SELECT status FROM runs WHERE kind = 'sweep pipeline'", {root: store});
    assert.deepEqual(runs.map((x) => x.status), ["ok"]);
  });

  it("bad options are one-line errors", async () => {
    const env = {INFERSCOPE_STORE: await tempDir("inferscope-store-")};
    for (const [flag, value, message] of [["--image-size", "320by240", /--image-size: '320by240' is not WIDTHxHEIGHT/], ["--modes", "sync,async", /--modes: unknown mode 'async'/], ["--images", "0", /--images: '0' is not a positive whole number/]] as const) {
      const r = await cli(["sweep", "pipeline", "--model", "tiny_cnn", flag, value], {env});
      assert.equal(r.code, 1);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
