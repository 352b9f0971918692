import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {parseTfliteProfile, readTfliteProfile} from "../../../loaders/formats/tflite-profile/index.ts";
import type {OpProfileMeta} from "../../../loaders/ops/profile-rows.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {capture} from "./layouts/errors.ts";
import {benchmarkPreamble, handleOutput, mobilenetNodes, report, statsOutput, shortSummary, xnnpackNodes, type TfNode} from "./layouts/tflite.ts";

const meta = (file: string): OpProfileMeta => ({model: "mobilenet_v1", runtime: "tflite", device: "pixel4", source: "imported", source_file: file});
const RUNS = 50;

/** The exact stdout of a newer benchmark_model: preamble, init profile, run profile, "INFO: " once per message. */
function newStdout(nodes: TfNode[], infoPrefix = true): string {
  const init: TfNode[] = [
    {type: "ModifyGraphWithDelegate", name: "ModifyGraphWithDelegate/0", avgUs: 10538},
    {type: "AllocateTensors", name: "AllocateTensors/0", avgUs: 62, called: 2}
  ];
  const o = {version: "new" as const, runs: RUNS};
  return benchmarkPreamble(RUNS, infoPrefix) + handleOutput(report([{nodes: init}], {...o, runs: 1}), report([{nodes}], o), {infoPrefix});
}

function expectNodeRows(rows: ReturnType<typeof parseTfliteProfile>["rows"], nodes: TfNode[]) {
  assert.equal(rows.length, nodes.length);
  const total = nodes.reduce((a, n) => a + n.avgUs * (n.called ?? 1), 0);
  nodes.forEach((n, i) => {
    const r = rows[i];
    assert.equal(r.node_name, n.name);
    assert.equal(r.op_type, n.type);
    assert.equal(r.kernel, n.type);
    assert.equal(r.scope, "node");
    assert.equal(r.node_index, i);
    assert.equal(r.run_index, null);
    assert.equal(r.executions, n.called ?? 1);
    // [avg ms] is printed with 3 decimals: microseconds survive exactly.
    assert.ok(Math.abs(r.duration_us - n.avgUs) < 1e-6, `${n.name}: ${r.duration_us} vs ${n.avgUs}`);
    assert.ok(Math.abs((r.share_pct ?? NaN) - (n.avgUs * (n.called ?? 1) * 100) / total) < 0.0006, `${n.name} share`);
  });
}

describe("TFLite benchmark_model op profile", () => {
  it("reads newer stdout with INFO prefixes: Run Order rows, init profile skipped, run count kept", () => {
    const nodes = mobilenetNodes(7);
    const parsed = parseTfliteProfile(newStdout(nodes), meta("pixel4.txt"));
    expectNodeRows(parsed.rows, nodes);
    assert.equal(parsed.layout, "text");
    assert.equal(parsed.runs, RUNS);
    assert.ok(parsed.rows.every((r) => r.runs_averaged === RUNS && r.start_us === null && r.format === "tflite-profile"));
    assert.ok(parsed.rows.every((r) => r.model === "mobilenet_v1" && r.device === "pixel4" && r.source === "imported" && r.source_file === "pixel4.txt"));
    assert.equal(parsed.diagnostics.count("init_profile_skipped"), 1);
    assert.ok(!parsed.rows.some((r) => r.op_type === "AllocateTensors"), "init events are not inference time");
  });

  it("reads the same output without INFO prefixes (and with a prefix on every line)", () => {
    const nodes = mobilenetNodes(8);
    expectNodeRows(parseTfliteProfile(newStdout(nodes, false), meta("a.txt")).rows, nodes);
    const everyLine = newStdout(nodes).split("\n").map((l) => (l.startsWith("INFO: ") || l === "" ? l : `INFO: ${l}`)).join("\n");
    expectNodeRows(parseTfliteProfile(everyLine, meta("b.txt")).rows, nodes);
  });

  it("reads the older tables with a [start] column (no sections, no prefix) and keeps start times", () => {
    const nodes = mobilenetNodes(9);
    const text = `${statsOutput(nodes, {version: "old", runs: 20})}${shortSummary(nodes, 20)}\n`;
    assert.match(text, /\[start\]/);
    const parsed = parseTfliteProfile(text, meta("old.txt"));
    expectNodeRows(parsed.rows, nodes);
    parsed.rows.forEach((r, i) => assert.ok(Math.abs((r.start_us ?? NaN) - (nodes[i].startUs ?? 0)) < 1e-6));
    assert.equal(parsed.runs, 20);
  });

  it("reads the CSV output file, newer and older layouts, including names with commas", () => {
    const nodes = mobilenetNodes(10);
    const preds = nodes.length - 3;
    nodes[preds].name = `[mobilenet/conv_preds/BiasAdd, mobilenet/conv_preds/Conv2D]:${preds}`;
    for (const version of ["new", "old"] as const) {
      const o = {version, runs: RUNS, csv: true};
      const file = handleOutput(report([{nodes: [{type: "AllocateTensors", name: "AllocateTensors/0", avgUs: 80}]}], {...o, runs: 1}), report([{nodes}], o), {toFile: true});
      assert.match(file, /^Profiling Info for Benchmark Initialization:\n=+ Run Order =+\nnode type, /);
      const parsed = parseTfliteProfile(file, meta(`profile-${version}.csv`));
      assert.equal(parsed.layout, "csv");
      assert.equal(parsed.rows.length, nodes.length);
      assert.ok(parsed.rows.every((r) => r.format === "tflite-profile-csv"));
      const conv = parsed.rows[preds];
      // The newer CSV writer replaces commas in names with tabs (the older kept them): both read back as written.
      assert.equal(conv.node_name, nodes[preds].name);
      assert.equal(conv.op_type, "CONV_2D");
      assert.equal(conv.node_index, preds);
      parsed.rows.forEach((r, i) => assert.ok(Math.abs(r.duration_us - nodes[i].avgUs) < 0.01, `${r.node_name}: ${r.duration_us}`));
      if (version === "old") assert.equal(parsed.rows[3].start_us, nodes[3].startUs);
    }
  });

  it("keeps delegate kernels as nodes and 'Delegate internal' ops as nested delegate_op rows", () => {
    const primary: TfNode[] = [
      {type: "TfLiteXNNPackDelegate", name: "[mobilenet/conv_pw_13_relu/Relu6]:30", avgUs: 21000},
      {type: "MEAN", name: "[mobilenet/global_average_pooling2d/Mean]:31", avgUs: 25},
      {type: "TfLiteXNNPackDelegate", name: "[Identity]:32", avgUs: 40}
    ];
    const internal: TfNode[] = [
      {type: "DelegateOpInvoke", name: "Delegate/Convolution (NHWC, F32) IGEMM:0", avgUs: 1400},
      {type: "DelegateOpInvoke", name: "Delegate/Depthwise Convolution (NHWC, F32):1", avgUs: 450},
      {type: "DelegateOpInvoke", name: "Delegate/Convolution (NHWC, F32) IGEMM:2", avgUs: 1300}
    ];
    for (const csv of [false, true]) {
      const o = {version: "new" as const, runs: RUNS, csv};
      const parsed = parseTfliteProfile(benchmarkPreamble(RUNS) + handleOutput("", report([{nodes: primary}], o, internal)), meta("xnnpack.txt"));
      const nodes = parsed.rows.filter((r) => r.scope === "node");
      const inner = parsed.rows.filter((r) => r.scope === "delegate_op");
      assert.deepEqual(nodes.map((r) => r.op_type), ["TfLiteXNNPackDelegate", "MEAN", "TfLiteXNNPackDelegate"]);
      assert.deepEqual(inner.map((r) => r.op_type), ["Convolution (NHWC, F32) IGEMM", "Depthwise Convolution (NHWC, F32)", "Convolution (NHWC, F32) IGEMM"]);
      assert.deepEqual(inner.map((r) => r.node_index), [0, 1, 2]);
      assert.equal(inner[1].duration_us, 450);
    }
  });

  it("nests the per-op rows XNNPACK reports into the graph table under its delegate kernel", () => {
    const nodes = xnnpackNodes();
    const parsed = parseTfliteProfile(benchmarkPreamble(RUNS) + handleOutput("", report([{nodes}], {version: "new", runs: RUNS})), meta("xnnpack-ops.txt"));
    assert.equal(parsed.rows.length, nodes.length);
    const nodeRows = parsed.rows.filter((r) => r.scope === "node");
    assert.deepEqual(nodeRows.map((r) => r.op_type), ["TfLiteXNNPackDelegate", "CONV_2D", "SOFTMAX"]);
    const inner = parsed.rows.filter((r) => r.scope === "delegate_op");
    assert.equal(inner.length, nodes.length - 3);
    assert.equal(inner[0].op_type, "Convolution (NHWC, F32) IGEMM");
    assert.equal(inner[0].kernel, "Convolution (NHWC, F32) IGEMM");
    assert.equal(inner[0].node_index, 0);
    // The tool's run total counts both the kernel and its ops, so its % halves them; share_pct keeps it as printed.
    assert.ok(nodeRows[0].share_pct! > 49 && nodeRows[0].share_pct! < 51, String(nodeRows[0].share_pct));
  });

  it("treats an older release's DelegateOpInvoke rows in the graph table as delegate ops", () => {
    const nodes: TfNode[] = [
      {type: "DELEGATE", name: "[out]:5", avgUs: 900},
      {type: "DelegateOpInvoke", name: "Delegate/conv:0", avgUs: 700, notInTotal: true},
      {type: "SOFTMAX", name: "[prob]:6", avgUs: 10}
    ];
    const parsed = parseTfliteProfile(`${statsOutput(nodes, {version: "old", runs: 10})}${shortSummary(nodes, 10)}\n`, meta("old-delegate.txt"));
    assert.deepEqual(parsed.rows.map((r) => r.scope), ["node", "delegate_op", "node"]);
    assert.equal(parsed.rows[1].op_type, "conv");
  });

  it("marks subgraph nodes (newer and older headings) as subgraph_op", () => {
    const main: TfNode[] = [{type: "WHILE", name: "[while:1]:0", avgUs: 500}, {type: "ADD", name: "[out]:1", avgUs: 5}];
    const body: TfNode[] = [{type: "MUL", name: "[body/mul]:0", avgUs: 40, called: 10}];
    for (const version of ["new", "old"] as const) {
      const text = handleOutput("", report([{nodes: main, index: 0, name: "main"}, {nodes: body, index: 1, name: "body"}], {version, runs: 5}));
      assert.match(text, version === "new" ? /Subgraph \(index: 1, name: body\) profile:/ : /Subgraph \(index: 1\) profile:/);
      const parsed = parseTfliteProfile(text, meta("while.txt"));
      assert.deepEqual(parsed.rows.map((r) => [r.op_type, r.scope]), [["WHILE", "node"], ["ADD", "node"], ["MUL", "subgraph_op"]]);
      assert.equal(parsed.rows[2].executions, 10);
      assert.equal(parsed.rows[2].runs_averaged, 5);
    }
  });

  it("falls back to 'Top by Computation Time', then to 'Summary by node type', saying so", () => {
    const nodes = mobilenetNodes(11);
    const top = parseTfliteProfile(statsOutput(nodes, {version: "new", runs: 3, showRunOrder: false}) + shortSummary(nodes, 3), meta("top.txt"));
    assert.equal(top.rows.length, 10);
    assert.equal(top.diagnostics.count("top_table_only"), 1);
    assert.deepEqual(top.rows.map((r) => r.duration_us), [...nodes].map((n) => n.avgUs).sort((a, b) => b - a).slice(0, 10));

    const byType = parseTfliteProfile(statsOutput(nodes, {version: "new", runs: 3, showRunOrder: false, showTop: false}) + shortSummary(nodes, 3), meta("type.txt"));
    assert.equal(byType.diagnostics.count("type_summary_only"), 1);
    const conv = byType.rows.find((r) => r.op_type === "CONV_2D")!;
    const convNodes = nodes.filter((n) => n.type === "CONV_2D");
    assert.equal(conv.executions, convNodes.length);
    assert.equal(conv.node_name, `CONV_2D (${convNodes.length} nodes)`);
    assert.ok(Math.abs(conv.duration_us * conv.executions - convNodes.reduce((a, n) => a + n.avgUs, 0)) < 0.01);
    assert.deepEqual(new Set(byType.rows.map((r) => r.op_type)), new Set(nodes.map((n) => n.type)));
  });

  describe("malformed files fail with the file, the line and what was expected", () => {
    const nodes = mobilenetNodes(12);
    const good = newStdout(nodes);
    const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

    it("a non-number in a numeric column", () => {
      const bad = good.replace(/(\t\s+)(\d+\.\d{3})(\t\s+\d+\.\d{3}\t\s+\d+\.\d{3}%.*\[mobilenet\/conv_dw_3_relu)/, "$1abc$3");
      assert.notEqual(bad, good);
      const err = capture(() => parseTfliteProfile(bad, meta("bad.txt")));
      assert.equal(err.file, "bad.txt");
      assert.equal(err.line, lineOf(bad, "conv_dw_3_relu"));
      assert.match(err.message, /^bad\.txt:\d+: column 'first' should hold a number, found "abc"/);
    });

    it("a file cut in the middle of a row", () => {
      const cut = good.slice(0, good.indexOf("conv_pw_5_relu") - 25);
      const err = capture(() => parseTfliteProfile(cut, meta("cut.txt")));
      assert.equal(err.line, cut.split("\n").length);
      assert.match(err.message, /expected 8 columns \(node type, first, avg ms, %, cdf%, mem kb, times called, name\)/);
    });

    it("a file cut between two rows of the table it reads", () => {
      const lines = good.split("\n");
      const at = lineOf(good, "conv_pw_7_relu");
      const cut = `${lines.slice(0, at).join("\n")}\n`;
      const err = capture(() => parseTfliteProfile(cut, meta("cut2.txt")));
      assert.equal(err.line, at + 1);
      assert.match(err.message, /the file ends inside the 'Run Order' table \(\d+ rows read\): the profile is cut short/);
    });

    it("a file cut after the table it reads is read, with a warning", () => {
      const at = good.slice(0, good.lastIndexOf("Summary by node type")).split("\n").length;
      const cut = good.split("\n").slice(0, at + 4).join("\n");
      const parsed = parseTfliteProfile(cut, meta("cut3.txt"));
      expectNodeRows(parsed.rows, nodes);
      assert.equal(parsed.diagnostics.count("table_cut_short"), 1);
    });

    it("a banner with no header below it", () => {
      const text = "INFO: Operator-wise Profiling Info for Regular Benchmark Runs:\n============================== Run Order ==============================\nsomething else\n";
      const err = capture(() => parseTfliteProfile(text, meta("nohead.txt")));
      assert.equal(err.line, 3);
      assert.match(err.message, /expected the column header line after the 'Run Order' banner/);
    });

    it("a CSV row that does not match its header", () => {
      const csv = handleOutput("", report([{nodes}], {version: "new", runs: 2, csv: true}), {toFile: true}).replace(/^(CONV_2D, [^,]+, )[^,]+/m, "$1twelve");
      const err = capture(() => parseTfliteProfile(csv, meta("bad.csv")));
      assert.equal(err.line, 4);
      assert.match(err.message, /table row does not match the CSV header: expected 8 columns/);
    });

    it("only the initialization profile", () => {
      const text = handleOutput(report([{nodes: [{type: "AllocateTensors", name: "AllocateTensors/0", avgUs: 80}]}], {version: "new", runs: 1}), "");
      assert.match(capture(() => parseTfliteProfile(text, meta("init.txt"))).message, /only the initialization profile was found/);
    });

    it("something that is not a profile at all, or a missing file", async () => {
      assert.match(capture(() => parseTfliteProfile(benchmarkPreamble(50), meta("log.txt"))).message, /^log\.txt: not a TFLite op profile/);
      const dir = await tempDir();
      await assert.rejects(readTfliteProfile(join(dir, "nope.txt"), meta("nope.txt")), /nope\.txt: no such file/);
    });

    it("the file read from disk parses the same as the text", async () => {
      const dir = await tempDir();
      await writeFile(join(dir, "p.txt"), good);
      const parsed = await readTfliteProfile(join(dir, "p.txt"), meta("p.txt"));
      expectNodeRows(parsed.rows, nodes);
    });
  });
});
