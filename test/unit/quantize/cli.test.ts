// `inferscope quantize`, `inferscope quantize study` and `inferscope bench` on quantized files, run as
// a user would (the real CLI in a child process), into a temporary store.
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {GraphBuilder} from "../../../loaders/models/builder.ts";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {listNodes, readModel} from "../../../loaders/models/onnx.ts";
import {PROJECT_ROOT, queryStore} from "../../../loaders/store/store.ts";
import {execa} from "execa";
import {tableFromIPC} from "apache-arrow";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {readFileSync} from "node:fs";
import {ppm} from "./fixtures.ts";

describe("inferscope quantize (CLI)", () => {
  let store: string;
  let dir: string;
  let models: string;
  // Zoo models are built (tiny_cnn: milliseconds) and quantized files written in temporary folders.
  const env = () => ({INFERSCOPE_STORE: store, INFERSCOPE_MODELS: models});
  before(async () => {
    store = await tempDir("inferscope-store-");
    dir = await tempDir();
    models = await tempDir("inferscope-models-");
  });

  it("quantizes a zoo model, prints JSON and stores the result", async () => {
    const out = join(dir, "tiny-int8.onnx");
    const r = await cli(["quantize", "tiny_cnn", "--method", "percentile=99.9", "--symmetric", "--samples", "3", "--heldout", "4", "--out", out, "--json"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method_label, "percentile=99.9");
    assert.equal(j.activations, "int8 symmetric");
    assert.equal(j.calibration_kind, "generated");
    assert.match(j.calibration_source, /3 generated images .*no real data/);
    assert.equal(j.heldout_samples, 4);
    assert.deepEqual(j.quantized_ops.Conv, 3);
    assert.ok(j.top1_agreement >= 0 && j.top1_agreement <= 1 && j.top5_overlap >= 0);
    assert.ok(j.layers.length > 5 && j.layers.every((l: {scale: number}) => l.scale > 0));
    assert.ok(existsSync(out));
    const nodes = listNodes(readModel(new Uint8Array(readFileSync(out))));
    assert.equal(nodes.filter((n) => n.op_type === "QuantizeLinear").length, j.qdq_pairs);
    const rows = await queryStore(`SELECT model, status, top1_agreement, quant_file FROM quant_results`, {root: store});
    assert.deepEqual(rows.map((x) => [x.model, x.status, x.quant_file]), [["tiny_cnn", "ok", out]]);
    const [{n}] = await queryStore(`SELECT count(*)::INTEGER AS n FROM quant_layers WHERE quant_file = '${out}'`, {root: store});
    assert.equal(n, j.layers.length);
    // The quantized file benchmarks like any other ONNX file, into the same table as FP32.
    const b = await cli(["bench", "--model", out, "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env: env()});
    assert.equal(b.code, 0, b.stderr);
    const bench = await queryStore(`SELECT model, model_source, status FROM bench_results`, {root: store});
    assert.deepEqual(bench.map((x) => [x.model, x.model_source, x.status]), [["tiny-int8", "file", "ok"]]);
    // The Quantization page's loader takes that bench row as the INT8 latency of the quantized file.
    const loader = await execa(process.execPath, ["--import", "tsx", "src/data/quant-results.arrow.ts"], {cwd: PROJECT_ROOT, env: env(), encoding: "buffer"});
    const [page] = tableFromIPC(new Uint8Array(loader.stdout as Uint8Array)).toArray().map((r) => r.toJSON());
    assert.equal(page.quant_file, out);
    assert.ok(page.int8_median_ms > 0, "INT8 latency from `inferscope bench --model <file>`");
    assert.equal(page.latency_from, "inferscope bench");
    assert.equal(page.fp32_median_ms, null, "the float model was not benchmarked here");
    // FP32 pairs with INT8 at the same thread count only: the float model at 2 threads is no baseline for INT8 at 1.
    const pageRow = async () => {
      const l = await execa(process.execPath, ["--import", "tsx", "src/data/quant-results.arrow.ts"], {cwd: PROJECT_ROOT, env: env(), encoding: "buffer"});
      return tableFromIPC(new Uint8Array(l.stdout as Uint8Array)).toArray().map((r) => r.toJSON())[0];
    };
    assert.equal((await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "2", "--opt", "all", "--runs", "3"], {env: env()})).code, 0);
    const unpaired = await pageRow();
    assert.equal(unpaired.fp32_median_ms, null, "no FP32 run at 1 thread yet");
    assert.equal(unpaired.threads, 1);
    assert.equal((await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env: env()})).code, 0);
    const [fp32at1] = await queryStore(`SELECT median_ms FROM bench_results WHERE model = 'tiny_cnn' AND threads = 1`, {root: store});
    const paired = await pageRow();
    assert.equal(paired.threads, 1);
    assert.equal(paired.fp32_median_ms, fp32at1.median_ms, "FP32 from the float model's 1-thread run");
    assert.equal(paired.int8_median_ms, page.int8_median_ms);
  });

  it("quantizes around an unsupported op from a folder of images, uint8 input, and says so", async () => {
    const g = new GraphBuilder("with_softsign", [3, 8, 8]);
    let x = g.conv(g.input, "conv1", {filters: 4, kernel: 3, padding: "same", bias: true});
    x = g.node("Softsign", [x], "softsign");
    x = g.relu(g.conv(x, "conv2", {filters: 4, kernel: 3, padding: "same"}), "relu2");
    x = g.softmax(g.dense(g.flatten(g.globalAvgPool(x, "pool"), "flatten"), "fc", 3), "softmax");
    const model = join(dir, "with_softsign.onnx");
    await writeFile(model, encodeModel(g.finish(x, "test model")));
    const images = join(dir, "images");
    await (await import("node:fs/promises")).mkdir(images);
    for (let i = 0; i < 4; i++) await writeFile(join(images, `im${i}.ppm`), ppm(12, 10, (a, b) => [(a * 20 + i * 30) % 256, b * 25, 128]));
    const out = join(dir, "softsign-int8.onnx");
    const r = await cli(["quantize", model, "--method", "minmax", "--samples", "2", "--images", images, "--uint8-input", "--out", out], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /left in float\s+2 nodes: /);
    assert.match(r.stdout, /softsign \(Softsign\): op not handled by the quantizer/);
    assert.match(r.stdout, /2 images from .*images/);
    assert.match(r.stdout, /agreement\s+on 2 images from .* not used for calibration/);
    assert.match(r.stdout, /uint8 input/);
    const [row] = await queryStore(`SELECT float_ops, float_node_list, calibration_kind, uint8_input FROM quant_results WHERE quant_file = '${out}'`, {root: store});
    assert.deepEqual(JSON.parse(row.float_ops), {Softsign: 1, Softmax: 1});
    assert.equal(row.calibration_kind, "images");
    assert.equal(row.uint8_input, true);
    // A uint8-input model benchmarks too (bench feeds it uint8 zeros).
    const b = await cli(["bench", "--model", out, "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env: env()});
    assert.equal(b.code, 0, b.stderr);
  });

  it("user mistakes get one-line errors", async () => {
    for (const args of [
      ["quantize", "tiny_cnn", "--method", "kl"],
      ["quantize", "tiny_cnn", "--symmetric", "--asymmetric"],
      ["quantize", "tiny_cn"],
      ["quantize", "tiny_cnn", "--samples", "0"],
      ["quantize", join(dir, "missing.onnx")],
      ["quantize", "tiny_cnn", "--images", join(dir, "no-such-dir"), "--out", join(dir, "x.onnx")]
    ]) {
      const r = await cli(args, {env: env()});
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assertOneLineError(r.stderr.split("\n").filter((l) => l.startsWith("inferscope") || l.startsWith("  ")).join("\n"));
    }
    const typo = await cli(["quantize", "tiny_cn"], {env: env()});
    assert.match(typo.stderr, /Did you mean 'tiny_cnn'/);
  });

  it("quantize study: methods x samples with FP32 and INT8 latency in one run", async () => {
    const s = await tempDir("inferscope-store-");
    const r = await cli(["quantize", "study", "--models", "tiny_cnn", "--methods", "minmax,entropy", "--samples", "2,3", "--heldout", "4", "--runs", "3", "--threads", "1", "--json"], {env: {INFERSCOPE_STORE: s, INFERSCOPE_MODELS: models}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /quantize study \[1\/\d+\]/, "progress on stderr");
    const j = JSON.parse(r.stdout);
    assert.equal(j.results.length, 4);
    const rows = await queryStore(`SELECT method_label, samples, status, int8_median_ms, fp32_median_ms, speedup, quant_model FROM quant_results ORDER BY samples, method_label`, {root: s});
    assert.deepEqual(rows.map((x) => [x.method_label, x.samples, x.status]), [["entropy", 2, "ok"], ["minmax", 2, "ok"], ["entropy", 3, "ok"], ["minmax", 3, "ok"]]);
    assert.ok(rows.every((x) => x.int8_median_ms > 0 && x.fp32_median_ms > 0 && Math.abs(x.speedup - x.fp32_median_ms / x.int8_median_ms) < 1e-9));
    const bench = await queryStore(`SELECT model, median_ms FROM bench_results ORDER BY model`, {root: s});
    assert.deepEqual(bench.map((x) => x.model), ["tiny_cnn", ...rows.map((x) => x.quant_model).sort()]);
    const [run] = await queryStore(`SELECT kind, status FROM runs`, {root: s});
    assert.deepEqual([run.kind, run.status], ["quantize study", "ok"]);
    const [{layers}] = await queryStore(`SELECT count(DISTINCT quant_file)::INTEGER AS layers FROM quant_layers`, {root: s});
    assert.equal(layers, 4);
    const files = await queryStore(`SELECT quant_file FROM quant_results`, {root: s});
    assert.ok(files.every((f) => f.quant_file.startsWith(join(models, "quantized")) && existsSync(f.quant_file)), "quantized files under the models folder");
  });
});
