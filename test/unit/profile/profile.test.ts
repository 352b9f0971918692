// `inferscope profile` end to end: the real CLI, real ONNX Runtime sessions (onnxruntime-node and
// onnxruntime-web), a temporary store; stored rows checked against the raw profiles ORT wrote.
import assert from "node:assert/strict";
import {execa} from "execa";
import {existsSync} from "node:fs";
import {readFile, readdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {tableFromIPC} from "apache-arrow";
import {analyzeModel} from "../../../loaders/models/info.ts";
import {ensureModel} from "../../../loaders/models/zoo.ts";
import {queryStore, PROJECT_ROOT} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

type Row = Record<string, any>;

/** The raw profile read independently of the importer: node events grouped into model_run windows. */
function rawRuns(text: string): {op: string; node: string; dur: number}[][] {
  const events = JSON.parse(text) as {cat: string; name: string; ts: number; dur: number; args: Record<string, string>}[];
  const windows = events.filter((e) => e.name === "model_run").sort((a, b) => a.ts - b.ts);
  const runs = windows.map(() => [] as {op: string; node: string; dur: number}[]);
  for (const e of events) {
    if (e.cat !== "Node" || !e.name.endsWith("_kernel_time")) continue;
    const i = windows.findIndex((w) => e.ts >= w.ts && e.ts <= w.ts + w.dur);
    runs[i].push({op: e.args.op_name, node: e.name.slice(0, -"_kernel_time".length), dur: e.dur});
  }
  return runs;
}

/** What the Operators page loads: a real data loader's Arrow output. */
async function pageData(store: string, loader = "optop"): Promise<Row[]> {
  const r = await execa(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, `src/data/${loader}.arrow.ts`)], {env: {INFERSCOPE_STORE: store}, encoding: "buffer", cwd: PROJECT_ROOT});
  return tableFromIPC(r.stdout).toArray().map((row) => row.toJSON());
}
const pageTopK = (store: string) => pageData(store, "optop");

describe("inferscope profile: mobilenet_v1 on ort-cpu at 'all' (the acceptance case)", () => {
  let store: string;
  let keep: string;
  before(async () => {
    store = await tempDir("inferscope-profile-");
    keep = await tempDir("inferscope-keep-");
    await ensureModel("mobilenet_v1");
    const r = await cli(["profile", "--models", "mobilenet_v1", "--runtimes", "ort-cpu", "--opt", "all", "--runs", "5", "--warmup", "3", "--keep-profiles", keep, "--skip-roofline"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /mobilenet_v1 on ort-cpu, opt all, \d+ threads? \(5 runs after 3 warm-up\)/);
    assert.match(r.stdout, /top-4 +\d+\.\d%/);
  });

  it("the page's top-4 shares and counts equal the raw profile's, warm-up runs left out", async () => {
    const [run] = await readdir(keep);
    const file = join(keep, run, (await readdir(join(keep, run)))[0]);
    const runs = rawRuns(await readFile(file, "utf8"));
    assert.equal(runs.length, 8, "3 warm-up + 5 profiled runs in the file");
    const timed = runs.slice(3);
    const byOp = new Map<string, {us: number; n: number}>();
    for (const events of timed) for (const e of events) {
      const o = byOp.get(e.op) ?? {us: 0, n: 0};
      o.us += e.dur;
      o.n++;
      byOp.set(e.op, o);
    }
    const total = [...byOp.values()].reduce((a, o) => a + o.us, 0);
    const expected = [...byOp].map(([op, o]) => ({op, share: (100 * o.us) / total, count: o.n / timed.length})).sort((a, b) => b.share - a.share || a.op.localeCompare(b.op));

    const page = (await pageTopK(store)).filter((r) => r.model === "mobilenet_v1" && r.runtime === "ort-cpu" && r.opt_levels === "all");
    assert.equal(page.length, expected.length, "every op type ranked");
    page.sort((a, b) => a.rank - b.rank);
    page.forEach((r, i) => {
      assert.equal(r.op, expected[i].op);
      assert.ok(Math.abs(r.share_pct - expected[i].share) < 1e-9, `${r.op}: ${r.share_pct} vs ${expected[i].share}`);
      assert.equal(r.count, expected[i].count);
      assert.equal(r.runs, 5);
    });
    const top4 = page.slice(0, 4).reduce((a, r) => a + r.share_pct, 0);
    assert.ok(Math.abs(top4 - expected.slice(0, 4).reduce((a, e) => a + e.share, 0)) < 1e-9, "top-4 total");
    // At 'all' on x64 the convolutions are NCHWc kernels, profiled as op 'Conv': 28 per run.
    assert.equal(page[0].op, "Conv");
    assert.equal(page[0].count, 28);
  });

  it("stores every run with its run_index, and the configuration with its warm-up count", async () => {
    const [cfg] = await queryStore("SELECT * FROM op_profile_runs", {root: store});
    assert.equal(cfg.status, "ok");
    assert.equal(cfg.warmup_runs, 3);
    assert.equal(cfg.runs, 5);
    assert.equal(cfg.samples_ms.length, 5);
    assert.equal(cfg.fusion_status, "ok");
    assert.ok(existsSync(cfg.source_file), "--keep-profiles keeps the file the rows name");
    const perRun = await queryStore("SELECT run_index, count(*)::INTEGER AS n FROM op_profiles GROUP BY 1 ORDER BY 1", {root: store});
    assert.deepEqual(perRun.map((r) => r.run_index), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(perRun.every((r) => r.n === perRun[0].n));
    // 27 NCHWc convolutions with ReLU6 (Clip) fused, and the classifier's without activation.
    const conv = await queryStore(
      "SELECT fused_domain, coalesce(fused_activation, '-') AS act, count(*)::INTEGER AS n FROM op_profiles WHERE op_type = 'Conv' AND run_index = 0 GROUP BY ALL ORDER BY act",
      {root: store}
    );
    assert.deepEqual(conv, [{fused_domain: "com.microsoft.nchwc", act: "-", n: 1}, {fused_domain: "com.microsoft.nchwc", act: "Clip", n: 27}]);
  });
});

describe("inferscope profile: tiny_cnn on both runtimes at the default levels", () => {
  let store: string;
  let stdout: string;
  let tinyFile: string;
  before(async () => {
    store = await tempDir("inferscope-profile-");
    tinyFile = await ensureModel("tiny_cnn");
    const r = await cli(["profile", "--models", "tiny_cnn", "--runs", "3", "--warmup", "2", "--skip-roofline"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /profile \[3\/3\] tiny_cnn on ort-wasm, opt all, 1 thread/, "progress names each configuration, n of m");
    stdout = r.stdout;
  });

  it("profiles ort-cpu at 'all' and 'disabled' and ort-wasm at 'all', with the WASM profile captured from stdout", async () => {
    const cfgs = await queryStore("SELECT runtime, opt_level, status, threads, node_rows, graph_source, fusion_status FROM op_profile_runs ORDER BY runtime, opt_level", {root: store});
    assert.deepEqual(cfgs.map((c) => [c.runtime, c.opt_level, c.status]), [["ort-cpu", "all", "ok"], ["ort-cpu", "disabled", "ok"], ["ort-wasm", "all", "ok"]]);
    assert.equal(cfgs[2].threads, 1);
    assert.match(cfgs[2].graph_source, /NCHWc transformer disabled/);
    assert.ok(cfgs.every((c) => c.fusion_status === "ok"), JSON.stringify(cfgs));
    // Nodes per run: 9 at 'all' (3 NCHWc convs, 2 reorders, GAP, Flatten, Gemm, Softmax), 13 unoptimized, 7 in WASM.
    assert.deepEqual(cfgs.map((c) => c.node_rows), [9 * 5, 13 * 5, 7 * 5]);
    const wasm = await queryStore("SELECT DISTINCT op_type, fused_domain, fused_activation, provider FROM op_profiles WHERE runtime = 'ort-wasm' AND op_type = 'FusedConv'", {root: store});
    assert.deepEqual(wasm, [{op_type: "FusedConv", fused_domain: "com.microsoft", fused_activation: "Relu", provider: "CPUExecutionProvider"}]);
    assert.doesNotMatch(stdout, /"cat" : "Node"/, "the WASM profile JSON is captured, not printed");
  });

  it("every profiled node has a fusion-map row, and the kernels' FLOPs add up to the model's", async () => {
    const flops = analyzeModel(new Uint8Array(await readFile(tinyFile))).flops;
    const joined = await queryStore(
      `SELECT p.runtime, p.opt_level, count(*)::INTEGER AS nodes, count(f.kind)::INTEGER AS mapped, sum(f.flops) AS flops
       FROM op_profiles p LEFT JOIN fusion_maps f ON f.run_id = p.run_id AND f.source_file = p.source_file AND f.node_name = p.node_name
       WHERE p.run_index = 2 GROUP BY ALL ORDER BY ALL`,
      {root: store}
    );
    for (const j of joined) {
      assert.equal(j.mapped, j.nodes, `${j.runtime} ${j.opt_level}: every node mapped`);
      assert.equal(j.flops, flops, `${j.runtime} ${j.opt_level}: FLOPs`);
    }
    const fused = await queryStore("SELECT runtime, original_ops, op_type, kind, flops FROM fusion_maps WHERE node_name IN ('relu1_nchwc', 'conv1') AND opt_level = 'all' ORDER BY runtime", {root: store});
    assert.deepEqual(fused.map((f) => [f.runtime, f.original_ops, f.op_type, f.kind]), [["ort-cpu", "Conv+BatchNormalization+Relu", "Conv", "fused"], ["ort-wasm", "Conv+BatchNormalization+Relu", "FusedConv", "fused"]]);
  });

  it("the page's per-kernel and waterfall tables: timed runs only, FLOPs through the fusion map, one median run", async () => {
    const raw = await queryStore(
      `SELECT node_name, avg(duration_us) AS us, any_value(activation_bytes + parameter_bytes + output_bytes) AS bytes
       FROM op_profiles WHERE runtime = 'ort-cpu' AND opt_level = 'all' AND run_index >= 2 GROUP BY 1`,
      {root: store}
    );
    const nodes = (await pageData(store, "opnodes")).filter((r) => r.runtime === "ort-cpu" && r.opt_level === "all");
    assert.equal(nodes.length, 9);
    for (const n of nodes) {
      const r = raw.find((x) => x.node_name === n.node_name)!;
      assert.ok(Math.abs(n.time_us - r.us) < 1e-9, `${n.node_name}: mean of the 3 timed runs`);
      assert.equal(n.bytes, Number(r.bytes));
      assert.equal(n.runs, 3);
      assert.equal(n.peak_gflops, null, "no ceilings stored (--skip-roofline)");
    }
    const conv = nodes.find((n) => n.node_name === "relu2_nchwc")!;
    // conv2 (no bias) + bn2 + relu2 as the counter costs the original ops: 16 x 8 x 3 x 3 weights over a
    // 16 x 16 output; BatchNormalization and Relu count zero.
    assert.equal(conv.flops, 2 * 16 * 16 * 16 * 8 * 9);
    assert.equal(conv.original_ops, "Conv+BatchNormalization+Relu");
    const fall = (await pageData(store, "opwaterfall")).filter((r) => r.runtime === "ort-cpu" && r.opt_level === "all");
    assert.equal(fall.length, 9, "one run's nodes");
    assert.equal(new Set(fall.map((r) => r.run_index)).size, 1);
    assert.ok(fall[0].run_index >= 2, "a timed run, not a warm-up");
    assert.ok(fall.every((r, i) => i === 0 || r.start_us >= fall[i - 1].start_us));
  });

  it("`ops fusion` prints original ops -> runtime kernel with counts", async () => {
    const r = await cli(["ops", "fusion", "--model", "tiny_cnn", "--runtime", "ort-cpu"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tiny_cnn on ort-cpu at 'all'/);
    assert.match(r.stdout, /3 x {2}Conv\+BatchNormalization\+Relu +-> {2}Conv \(com\.microsoft\.nchwc, Relu\) {3}\[fused\]/);
    assert.match(r.stdout, /1 x {2}\(none\) +-> {2}ReorderOutput|2 x {2}\(none\) +-> {2}ReorderOutput/);
    assert.match(r.stdout, /tiny_cnn on ort-cpu at 'disabled'[^]*3 x {2}BatchNormalization +-> {2}BatchNormalization\n/);
    const missing = await cli(["ops", "fusion", "--model", "resnet50"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(missing.code, 1);
    assertOneLineError(missing.stderr);
    assert.match(missing.stderr, /no fusion map for resnet50[^]*Models with fusion maps: tiny_cnn/);
  });

  it("`ops top --skip-runs` over the stored rows agrees with the summary the profile printed", async () => {
    const r = await cli(["ops", "top", "--model", "tiny_cnn", "--runtime", "ort-wasm", "--skip-runs", "2", "--json"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    const top = JSON.parse(r.stdout).rows as Row[];
    const block = stdout.split("\n\n").find((b) => b.startsWith("tiny_cnn on ort-wasm"))!;
    const first = block.split("\n")[2].trim().split(/\s+/);
    assert.equal(first[1], top[0].op);
    assert.equal(first[2], `${top[0].share_pct.toFixed(1)}%`);
  });
});

describe("inferscope profile: failures and bad options", () => {
  it("a model that cannot load becomes a failed configuration and the run goes on", async () => {
    const store = await tempDir("inferscope-profile-");
    const bad = join(store, "broken.onnx");
    await writeFile(bad, "this is not a protobuf");
    const r = await cli(["profile", "--model", bad, "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--opt", "all", "--runs", "2", "--warmup", "1", "--skip-roofline"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /FAILED: /);
    const cfgs = await queryStore("SELECT model, status, error, fusion_status FROM op_profile_runs ORDER BY model", {root: store});
    assert.deepEqual(cfgs.map((c) => [c.model, c.status]), [["broken", "failed"], ["tiny_cnn", "ok"]]);
    assert.match(cfgs[0].error, /protobuf|load|parse|model/i);
    const models = await queryStore("SELECT DISTINCT model FROM op_profiles", {root: store});
    assert.deepEqual(models, [{model: "tiny_cnn"}]);
    const [run] = await queryStore("SELECT kind, status FROM runs", {root: store});
    assert.deepEqual(run, {kind: "profile", status: "ok"});
  });

  it("unknown models, runtimes and levels are one-line errors that write nothing", async () => {
    const store = await tempDir("inferscope-profile-");
    for (const [args, re] of [
      [["--models", "mobilenet_v9"], /unknown zoo model 'mobilenet_v9'/],
      [["--runtimes", "tensorrt"], /unknown runtime 'tensorrt'/],
      [["--opt", "max"], /unknown optimization level 'max'/],
      [["--runs", "0"], /--runs: '0' is not a whole number >= 1/]
    ] as const) {
      const r = await cli(["profile", ...args], {env: {INFERSCOPE_STORE: store}});
      assert.equal(r.code, 1, r.stderr);
      assertOneLineError(r.stderr.split("\n").filter((l) => !l.startsWith("model ")).join("\n"));
      assert.match(r.stderr, re);
    }
    assert.deepEqual(await readdir(store), []);
  });
});
