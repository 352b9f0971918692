// The benchmark collector end to end: the real CLI, real ONNX Runtime sessions, a temporary store.
import assert from "node:assert/strict";
import {execa} from "execa";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {median} from "d3-array";
import {analyzeModel} from "../../../loaders/models/info.ts";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {datasetFiles, queryStore} from "../../../loaders/store/store.ts";
import {readFile} from "node:fs/promises";
import {assertOneLineError, BIN, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

type Row = Record<string, any>;

describe("inferscope bench", () => {
  let store: string;
  let rows: Row[];
  let tinyFile: string;

  before(async () => {
    store = await tempDir("inferscope-bench-");
    tinyFile = await ensureModel("tiny_cnn");
    const r = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu,ort-wasm", "--threads", "1", "--opt", "all,disabled", "--runs", "5"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /bench \[4\/4\] tiny_cnn on ort-wasm/, "progress names each configuration, n of m");
    rows = await queryStore<Row>("SELECT * FROM bench_results ORDER BY config_id", {root: store});
  });

  it("stores one row per configuration with every sample and consistent statistics", () => {
    assert.deepEqual(rows.map((r) => r.config_id), ["tiny_cnn|ort-cpu|t1|b1|all", "tiny_cnn|ort-cpu|t1|b1|disabled", "tiny_cnn|ort-wasm|t1|b1|all", "tiny_cnn|ort-wasm|t1|b1|disabled"]);
    for (const r of rows) {
      assert.equal(r.status, "ok", r.error);
      assert.equal(r.samples_ms.length, 5);
      assert.equal(r.runs, 5);
      assert.ok(r.samples_ms.every((v: number) => v > 0));
      assert.equal(r.median_ms, median(r.samples_ms)!);
      assert.ok(r.min_ms <= r.median_ms && r.median_ms <= r.p90_ms && r.p90_ms <= r.p99_ms && r.p99_ms <= r.max_ms);
      assert.ok(r.session_create_ms > 0 && r.peak_rss_mb > 10);
      assert.ok(r.warmup_runs >= (r.runtime === "ort-wasm" ? 10 : 5), `${r.config_id} warm-up ${r.warmup_runs}`);
      assert.equal(r.imported, false);
      assert.equal(r.model_file, tinyFile);
    }
  });

  it("records the model's parameters and FLOPs from the counter", async () => {
    const info = analyzeModel(new Uint8Array(await readFile(tinyFile)));
    for (const r of rows) {
      assert.equal(Number(r.params), info.params);
      assert.equal(r.flops, info.flops);
    }
  });

  it("records the run with its host", async () => {
    const [run] = await queryStore("SELECT * FROM runs", {root: store});
    assert.equal(run.kind, "bench");
    assert.equal(run.status, "ok");
    assert.equal(Number(run.rows_written), 4);
    assert.equal(run.run_id, rows[0].run_id);
    assert.ok(run.host_cores >= 1 && run.host_cpu.length > 0);
  });

  it("a model that cannot load becomes a failed row and the run goes on", async () => {
    const root = await tempDir("inferscope-bench-");
    const bad = join(root, "broken.onnx");
    await writeFile(bad, "this is not a protobuf");
    const r = await cli(["bench", "--model", bad, "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /FAILED: /);
    const got = await queryStore("SELECT model, status, error, median_ms FROM bench_results ORDER BY model", {root});
    assert.equal(got.length, 2);
    assert.equal(got[0].model, "broken");
    assert.equal(got[0].status, "failed");
    assert.match(got[0].error, /protobuf|load|parse|model/i);
    assert.equal(got[0].median_ms, null);
    assert.equal(got[1].model, "tiny_cnn");
    assert.equal(got[1].status, "ok");
  });

  it("Ctrl-C keeps the finished configurations and records the run as cancelled", async () => {
    const root = await tempDir("inferscope-bench-");
    const child = execa("node", [BIN, "bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--batch", "1,2,3,4,5,6,7,8", "--runs", "400"], {env: {INFERSCOPE_STORE: root}, reject: false});
    let stderr = "";
    let sent = false;
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      // One Ctrl-C (a second one means "quit at once").
      if (!sent && /\[3\/8\]/.test(stderr)) sent = child.kill("SIGINT");
    });
    const result = await child;
    assert.equal(result.exitCode, 130, stderr);
    assert.match(stderr, /stopping the benchmark/);
    const got = await queryStore("SELECT config_id, status FROM bench_results", {root});
    assert.ok(got.length >= 2 && got.length < 8, `kept ${got.length} finished configurations`);
    assert.ok(got.every((r) => r.status === "ok"), "the configuration in flight is not stored as a result");
    const [run] = await queryStore("SELECT status, error FROM runs", {root});
    assert.equal(run.status, "cancelled");
    assert.match(run.error, /cancelled after \d+ of 8 configurations/);
  });

  it("--export writes a self-contained file that import runs merges elsewhere, once", async () => {
    const here = await tempDir("inferscope-bench-");
    const there = await tempDir("inferscope-bench-");
    const file = join(here, "edge.parquet");
    const r1 = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3", "--export", file], {env: {INFERSCOPE_STORE: here}});
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await cli(["import", "runs", file], {env: {INFERSCOPE_STORE: there}});
    assert.equal(r2.code, 0, r2.stderr);
    const cols = "run_id, host_id, host_name, config_id, samples_ms, median_ms, flops";
    assert.deepEqual(await queryStore(`SELECT ${cols} FROM bench_results`, {root: there}), await queryStore(`SELECT ${cols} FROM bench_results`, {root: here}));
    const r3 = await cli(["import", "runs", file], {env: {INFERSCOPE_STORE: there}});
    assert.equal(r3.code, 0);
    assert.match(r3.stderr, /already in the store/);
    assert.equal((await queryStore("SELECT count(*)::INT AS n FROM bench_results", {root: there}))[0].n, 1);
  });

  it("import runs refuses a file that is not a bench export, naming it", async () => {
    const root = await tempDir("inferscope-bench-");
    const file = join(root, "x.parquet");
    await writeFile(file, "PAR1 nonsense");
    const r = await cli(["import", "runs", file], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.ok(r.stderr.includes(file));
    assert.deepEqual(datasetFiles("bench_results", root), []);
  });

  it("an unknown zoo model or a missing file is a one-line error", async () => {
    const r1 = await cli(["bench", "--models", "mobilenet_v9"]);
    assert.equal(r1.code, 1);
    assertOneLineError(r1.stderr);
    assert.match(r1.stderr, /unknown zoo model 'mobilenet_v9'/);
    const r2 = await cli(["bench", "--model", "/no/such/model.onnx"]);
    assert.equal(r2.code, 1);
    assertOneLineError(r2.stderr);
    assert.match(r2.stderr, /\/no\/such\/model\.onnx: no such file/);
  });
});

describe("inferscope import latency", () => {
  it("imports a table measured elsewhere, marked as imported", async () => {
    const root = await tempDir("inferscope-lat-");
    const file = join(root, "jetson.csv");
    await writeFile(file, "model,runtime,device,latency_ms,flops,notes\r\nmobilenet_v1,tensorrt,jetson-nano,7.5,1.137e9,fp16\r\n\"resnet50\",tensorrt,jetson-nano,21,,\r\n");
    const r = await cli(["import", "latency", file], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /columns not used: notes/);
    const got = await queryStore("SELECT model, runtime, device, median_ms, flops, imported, source_file, samples_ms FROM bench_results ORDER BY model", {root});
    assert.deepEqual(got, [
      {model: "mobilenet_v1", runtime: "tensorrt", device: "jetson-nano", median_ms: 7.5, flops: 1.137e9, imported: true, source_file: file, samples_ms: null},
      {model: "resnet50", runtime: "tensorrt", device: "jetson-nano", median_ms: 21, flops: null, imported: true, source_file: file, samples_ms: null}
    ]);
  });

  it("bad rows: one clear error with the line number, and nothing written", async () => {
    const root = await tempDir("inferscope-lat-");
    const file = join(root, "bad.csv");
    // Line 3 has a quoted field spanning two lines, so the bad row after it is on line 5.
    await writeFile(file, 'model,runtime,device,latency_ms\nmobilenet_v1,tflite,rpi4,70\nresnet50,tflite,"rpi4\nboard",300\nvgg16,tflite,rpi4,fast\n,tflite,rpi4,3\n');
    const r = await cli(["import", "latency", file], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.ok(r.stderr.includes(`${file}:5: latency_ms 'fast' is not a number (and 1 more bad row, at line 6)`), r.stderr);
    assert.match(r.stderr, /Nothing was imported/);
    assert.deepEqual(datasetFiles("bench_results", root), []);
    assert.deepEqual(datasetFiles("runs", root), []);
  });

  it("a header without the required columns is named", async () => {
    const root = await tempDir("inferscope-lat-");
    const file = join(root, "h.csv");
    await writeFile(file, "model,ms\nm,1\n");
    const r = await cli(["import", "latency", file], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`${file}:1: header lacks columns runtime, device, latency_ms`), r.stderr);
  });

  it("a missing file is a one-line error", async () => {
    const r = await cli(["import", "latency", "/no/such.csv"]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /\/no\/such\.csv: no such file/);
  });
});
