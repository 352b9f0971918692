import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {parseOrtProfile} from "../../../loaders/formats/ort-profile/index.ts";
import {parseTfliteProfile} from "../../../loaders/formats/tflite-profile/index.ts";
import {importOpProfile} from "../../../loaders/ops/profile-import.ts";
import {topOps, topOpsSql} from "../../../loaders/ops/topk.ts";
import {datasetFiles, queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {cudaProfile, profileText} from "./layouts/ort.ts";
import {benchmarkPreamble, handleOutput, mobilenetNodes, report, xnnpackNodes, type TfNode} from "./layouts/tflite.ts";
import {exportProfile, mobilenetLayers} from "./layouts/trtexec.ts";

/** Expected top-k from the fixture itself: per op type, summed time and count per run. */
function expectedTop(items: {op: string; us: number}[], k: number) {
  const total = items.reduce((a, i) => a + i.us, 0);
  const by = new Map<string, {us: number; count: number}>();
  for (const i of items) {
    const e = by.get(i.op) ?? {us: 0, count: 0};
    e.us += i.us;
    e.count++;
    by.set(i.op, e);
  }
  return [...by.entries()]
    .sort((a, b) => b[1].us - a[1].us || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([op, e]) => ({op, share_pct: (100 * e.us) / total, count: e.count}));
}

function assertTop(actual: {op: string; share_pct: number; count: number}[], expected: {op: string; share_pct: number; count: number}[], tol = 1e-6) {
  assert.deepEqual(actual.map((r) => r.op), expected.map((r) => r.op));
  actual.forEach((r, i) => {
    assert.ok(Math.abs(r.share_pct - expected[i].share_pct) < tol, `${r.op}: share ${r.share_pct} vs ${expected[i].share_pct}`);
    assert.ok(Math.abs(r.count - expected[i].count) < 1e-9, `${r.op}: count ${r.count} vs ${expected[i].count}`);
  });
}

describe("ops top", () => {
  let store: string;
  let files: string;
  const pixel = mobilenetNodes(21);
  const rpi = mobilenetNodes(22).map((n) => ({...n, avgUs: n.type === "DEPTHWISE_CONV_2D" ? n.avgUs * 2 : n.avgUs}));
  const trt = mobilenetLayers();
  const env = () => ({INFERSCOPE_STORE: store});

  before(async () => {
    store = await tempDir("inferscope-ops-store-");
    files = await tempDir("inferscope-ops-files-");
    const stdout = (nodes: TfNode[]) => benchmarkPreamble(50) + handleOutput("", report([{nodes}], {version: "new", runs: 50}));
    await writeFile(join(files, "pixel4.txt"), stdout(pixel));
    await writeFile(join(files, "rpi4.csv"), handleOutput("", report([{nodes: rpi}], {version: "old", runs: 30, csv: true}), {toFile: true}));
    await writeFile(join(files, "nano.json"), exportProfile(500, trt));
    await writeFile(join(files, "orin.json"), profileText(cudaProfile(3).events));
  });

  it("imports each format through the CLI", async () => {
    const imports: [string, string, string, string[]][] = [
      ["tflite", "pixel4.txt", "pixel4", []],
      ["tflite", "rpi4.csv", "rpi4", []],
      ["trtexec", "nano.json", "jetson-nano", ["--opt-level", "fp16"]],
      ["ort-profile", "orin.json", "jetson-orin", ["--runtime", "onnxruntime-cuda"]]
    ];
    for (const [format, file, device, extra] of imports) {
      const r = await cli(["import", format, join(files, file), "--model", "mobilenet_v1", "--device", device, ...extra], {env: env()});
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`imported ${file.replace(".", "\\.")} \\(`));
      assert.match(r.stdout, /next: inferscope ops top --model mobilenet_v1/);
    }
    const counts = await queryStore("SELECT runtime, device, count(*)::INTEGER AS n FROM op_profiles GROUP BY ALL ORDER BY device", {root: store});
    assert.deepEqual(
      counts.map((c) => [c.runtime, c.device, c.n]),
      [
        ["tensorrt", "jetson-nano", trt.length],
        // 6 nodes and 7 distinct kernels (per node) in each of 3 runs.
        ["onnxruntime-cuda", "jetson-orin", 3 * 6 + 3 * 7],
        ["tflite", "pixel4", pixel.length],
        ["tflite", "rpi4", rpi.length]
      ]
    );
    const runs = await queryStore("SELECT kind, status FROM runs ORDER BY kind", {root: store});
    assert.deepEqual(runs.map((r) => `${r.kind}:${r.status}`), ["import ort-profile:ok", "import tflite:ok", "import tflite:ok", "import trtexec:ok"]);
  });

  it("--json gives the top-4 per runtime/device with shares of operator time and counts per run", async () => {
    const r = await cli(["ops", "top", "--model", "mobilenet_v1", "--json"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {rows: {model: string; runtime: string; device: string; op: string; share_pct: number; count: number}[]};
    assert.ok(out.rows.every((row) => Object.keys(row).join() === "model,runtime,device,op,share_pct,count"));
    const table = (runtime: string, device: string) => out.rows.filter((row) => row.runtime === runtime && row.device === device);

    const tflite = expectedTop(pixel.map((n) => ({op: n.type, us: n.avgUs})), 4);
    assert.deepEqual(tflite.map((t) => t.op), ["CONV_2D", "DEPTHWISE_CONV_2D", "PAD", "MEAN"], "the study's TFLite top-4");
    assertTop(table("tflite", "pixel4"), tflite);
    assert.ok(tflite.reduce((a, t) => a + t.share_pct, 0) > 99);
    assertTop(table("tflite", "rpi4"), expectedTop(rpi.map((n) => ({op: n.type, us: n.avgUs})), 4));
    assert.ok(table("tflite", "rpi4")[1].share_pct > table("tflite", "pixel4")[1].share_pct, "depthwise share differs by device");

    const trtTop = expectedTop(trt.map((l) => ({op: trtOpName(l.name), us: l.timeMs})), 4);
    assert.deepEqual(trtTop.map((t) => t.op), ["Conv2D+Relu6", "depthwise+Relu6", "Pad+depthwise+Relu6", "BiasAdd"], "the study's TensorRT top-4");
    // averageMs is printed with 6 significant digits.
    assertTop(table("tensorrt", "jetson-nano"), trtTop, 1e-3);

    // CUDA: nodes timed by their kernels, kernels not counted twice. Per run: 25 + 312 + 9 + 210 + 3 + 30 = 589 us.
    assertTop(table("onnxruntime-cuda", "jetson-orin"), [
      {op: "Conv", share_pct: (100 * 522) / 589, count: 2},
      {op: "MemcpyToHost", share_pct: (100 * 30) / 589, count: 1},
      {op: "MemcpyFromHost", share_pct: (100 * 25) / 589, count: 1},
      {op: "Relu", share_pct: (100 * 9) / 589, count: 1}
    ]);
  });

  it("filters by runtime and device, takes --k, and prints a readable table", async () => {
    const r = await cli(["ops", "top", "--model", "mobilenet_v1", "--runtime", "tflite", "--device", "pixel4", "--k", "2"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "mobilenet_v1 on tflite / pixel4 (1 table averaged over 50 runs)");
    assert.match(lines[1], /#\s+op\s+share\s+count\s+per run/);
    const top = expectedTop(pixel.map((n) => ({op: n.type, us: n.avgUs})), 2);
    assert.match(lines[2], new RegExp(`^\\s+1\\s+CONV_2D\\s+${top[0].share_pct.toFixed(1)}%\\s+${top[0].count}\\s`));
    assert.match(lines[3], new RegExp(`^\\s+2\\s+DEPTHWISE_CONV_2D\\s+${top[1].share_pct.toFixed(1)}%\\s+13\\s`));
    assert.equal(top[0].count, 15, "14 body convolutions and the classifier");
    assert.match(lines[4], new RegExp(`top-2\\s+${(top[0].share_pct + top[1].share_pct).toFixed(1)}%`));
    assert.equal(lines.length, 5);
  });

  it("ranks an XNNPACK run by the delegate's own ops, and by its kernels with --scope node", async () => {
    const root = await tempDir();
    const nodes = xnnpackNodes();
    const meta = {model: "mnv1", runtime: "tflite", device: "pixel7", source: "imported" as const, source_file: "x.txt"};
    const parsed = parseTfliteProfile(handleOutput("", report([{nodes}], {version: "new", runs: 50})), meta);
    await importOpProfile({kind: "import tflite", format: "tflite-profile", parsed, meta, root});
    const leaves = nodes.filter((n) => n.type !== "TfLiteXNNPackDelegate");
    assertTop(await topOps({model: "mnv1"}, {root}), expectedTop(leaves.map((n) => ({op: n.type, us: n.avgUs})), 4));
    const kernels = await topOps({model: "mnv1", scope: "node", k: 10}, {root});
    assert.deepEqual(kernels.map((t) => t.op), ["TfLiteXNNPackDelegate", "CONV_2D", "SOFTMAX"]);
    assert.ok(Math.abs(kernels.reduce((a, t) => a + t.share_pct, 0) - 100) < 1e-9);
  });

  it("ranks nested rows with --scope and leaves warm-up runs out with --skip-runs", async () => {
    const kernels = await topOps({model: "mobilenet_v1", device: "jetson-orin", scope: "gpu_kernel", k: 1}, {root: store});
    assert.equal(kernels.length, 1);
    assert.equal(kernels[0].op, "Conv");
    assert.equal(kernels[0].count, 4, "two Conv nodes, two kernels each");
    const skipped = await topOps({model: "mobilenet_v1", device: "jetson-orin", skipRuns: 1}, {root: store});
    assert.equal(skipped[0].runs, 2);
    const averaged = await topOps({model: "mobilenet_v1", device: "pixel4", skipRuns: 1}, {root: store});
    assert.equal(averaged[0].runs, 1, "averaged tables are not per-run and are kept");
  });

  it("pools runs of several imports: shares are of summed time, counts are per run", async () => {
    const root = await tempDir();
    const meta = (file: string, opt: string) => ({model: "m", runtime: "onnxruntime", device: "d", opt_level: opt, source: "imported" as const, source_file: file});
    const one = cudaProfile(1).events;
    for (const [file, opt] of [["a.json", "all"], ["b.json", "basic"]] as const) {
      const parsed = parseOrtProfile(profileText(one), meta(file, opt));
      await importOpProfile({kind: "import ort-profile", format: "ort-profile", parsed, meta: meta(file, opt), root});
    }
    const both = await topOps({model: "m", k: 10}, {root});
    assert.equal(both[0].runs, 2);
    assert.equal(both[0].opt_levels, "all,basic");
    assert.equal(both.find((t) => t.op === "Conv")!.count, 2);
    assert.ok(Math.abs(both.reduce((a, t) => a + t.share_pct, 0) - 100) < 1e-9);
    const basic = await topOps({model: "m", optLevel: "basic"}, {root});
    assert.equal(basic[0].runs, 1);
    assert.match(topOpsSql({model: "it's", k: 3}), /model = 'it''s'/);
    assert.throws(() => topOpsSql({model: "m", k: 0}), /positive integer/);
  });

  it("a malformed file: one-line error naming file and line, nothing written", async () => {
    const bad = pixel.slice(0, 5);
    const text = handleOutput("", report([{nodes: bad}], {version: "new", runs: 5})).replace("0.000\t        1\t[mobilenet/conv_dw_1", "0.000\t        x\t[mobilenet/conv_dw_1");
    await writeFile(join(files, "bad.txt"), text);
    const before = datasetFiles("op_profiles", store).length;
    const r = await cli(["import", "tflite", join(files, "bad.txt"), "--model", "broken", "--device", "x"], {env: env()});
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    const line = text.split("\n").findIndex((l) => l.includes("conv_dw_1")) + 1;
    assert.match(r.stderr, new RegExp(`^inferscope: ${join(files, "bad.txt").replaceAll("/", "\\/")}:${line}: column 'times called' should hold a number, found "x"`));
    assert.equal(datasetFiles("op_profiles", store).length, before);
    const rows = await queryStore("SELECT count(*)::INTEGER AS n FROM op_profiles WHERE model = 'broken'", {root: store});
    assert.equal(rows[0].n, 0);
  });

  it("usage errors are one line with a hint", async () => {
    const noDevice = await cli(["import", "trtexec", join(files, "nano.json"), "--model", "m"], {env: env()});
    assert.equal(noDevice.code, 1);
    assertOneLineError(noDevice.stderr);
    assert.match(noDevice.stderr, /import trtexec: --device is required/);
    const typo = await cli(["ops", "top", "--model", "mobilenet_v2"], {env: env()});
    assert.equal(typo.code, 1);
    assertOneLineError(typo.stderr);
    assert.match(typo.stderr, /no operator profiles for model 'mobilenet_v2'/);
    assert.match(typo.stderr, /Did you mean --model mobilenet_v1\?/);
    const k = await cli(["ops", "top", "--model", "mobilenet_v1", "--k", "four"], {env: env()});
    assert.equal(k.code, 1);
    assert.match(k.stderr, /--k expects a positive whole number, got 'four'/);
  });
});

/** The fixture's fused layers, grouped by hand (independently of the parser's name reduction). */
function trtOpName(name: string): string {
  if (name.includes("/Pad + ")) return "Pad+depthwise+Relu6";
  if (name.includes("depthwise")) return "depthwise+Relu6";
  if (name.includes("Relu6")) return "Conv2D+Relu6";
  return name.split("/").pop()!;
}
