import assert from "node:assert/strict";
import {readFile} from "node:fs/promises";
import {describe, it} from "node:test";
import {join} from "node:path";
import {ortNodeInfo, parseOrtProfile, readOrtProfile} from "../../../loaders/formats/ort-profile/index.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import type {OpProfileMeta, OpProfileRow} from "../../../loaders/ops/profile-rows.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {capture} from "./layouts/errors.ts";
import {cudaProfile, eventLine, nodeArgs, profileText, realOrtProfile, type OrtEventSpec} from "./layouts/ort.ts";

const meta = (file: string, opt_level: string | null = null): OpProfileMeta => ({model: "tiny", runtime: "onnxruntime", device: "this-host", opt_level, source: "local", source_file: file});
const RUNS = 4;

function byRun(rows: OpProfileRow[]): Map<number, OpProfileRow[]> {
  const m = new Map<number, OpProfileRow[]>();
  for (const r of rows) m.set(r.run_index!, [...(m.get(r.run_index!) ?? []), r]);
  return m;
}

describe("ONNX Runtime profile, as onnxruntime-node writes it", () => {
  it("level 'disabled': one row per node per model_run, with shapes and sizes from the args", async () => {
    const dir = await tempDir();
    const file = await realOrtProfile(dir, "disabled", RUNS);
    const raw = await readFile(file, "utf8");
    const parsed = await readOrtProfile(file, meta("prof.json", "disabled"));
    assert.equal(parsed.runs, RUNS);
    assert.equal(parsed.diagnostics.size, 0, parsed.diagnostics.format("prof.json").join("\n"));
    // Every node event of the file is counted once.
    assert.equal(parsed.rows.reduce((a, r) => a + r.executions, 0), (raw.match(/_kernel_time"/g) ?? []).length);
    const runs = byRun(parsed.rows);
    assert.deepEqual([...runs.keys()], [0, 1, 2, 3]);
    for (const rows of runs.values()) {
      assert.deepEqual(rows.map((r) => [r.node_name, r.op_type, r.node_index]), [["conv1", "Conv", 0], ["relu1", "Relu", 1], ["conv2", "Conv", 2], ["relu2", "Relu", 3]]);
      assert.ok(rows.every((r) => r.provider === "CPUExecutionProvider" && r.scope === "node" && r.executions === 1 && r.duration_us >= 0 && r.host_duration_us === null));
      assert.ok(rows.every((r, i) => r.start_us! >= 0 && (i === 0 || r.start_us! >= rows[i - 1].start_us!)), "nodes start in order within their run");
    }
    const conv1 = runs.get(0)![0];
    assert.deepEqual(JSON.parse(conv1.input_shapes!), [{dtype: "float", shape: [1, 3, 16, 16]}, {dtype: "float", shape: [8, 3, 3, 3]}, {dtype: "float", shape: [8]}]);
    assert.deepEqual(JSON.parse(conv1.output_shapes!), [{dtype: "float", shape: [1, 8, 16, 16]}]);
    assert.equal(conv1.parameter_bytes, (8 * 3 * 3 * 3 + 8) * 4);
    assert.equal(conv1.activation_bytes, 3 * 16 * 16 * 4);
    assert.equal(conv1.output_bytes, 8 * 16 * 16 * 4);
    assert.ok(parsed.rows.every((r) => r.opt_level === "disabled" && r.source === "local" && r.format === "ort-profile"));
  });

  it("level 'all': Relu is fused away, and the optimized-graph join fills fused_domain/activation", async () => {
    const dir = await tempDir();
    const file = await realOrtProfile(dir, "all", RUNS);
    const plain = await readOrtProfile(file, meta("all.json", "all"));
    assert.equal(plain.runs, RUNS);
    const ops = new Set(plain.rows.map((r) => r.op_type));
    assert.ok(!ops.has("Relu"), `no Relu node left at 'all': ${[...ops]}`);
    assert.ok(ops.has("Conv") || ops.has("FusedConv"));
    const convs = byRun(plain.rows).get(1)!.filter((r) => r.op_type === "Conv" || r.op_type === "FusedConv");
    assert.equal(convs.length, 2);
    const nodes = new Map(convs.map((r) => [r.node_name, {domain: "com.microsoft.nchwc", activation: "Relu"}]));
    const joined = await readOrtProfile(await readFile(file), meta("all.json", "all"), {nodes});
    const c = joined.rows.find((r) => r.node_name === convs[0].node_name)!;
    assert.equal(c.fused_domain, "com.microsoft.nchwc");
    assert.equal(c.fused_activation, "Relu");
  });
});

describe("ONNX Runtime optimized graph joined to the profile", () => {
  it("level 'extended': FusedConv rows get domain com.microsoft and activation Relu, through the CLI", async () => {
    const dir = await tempDir();
    const optimized = join(dir, "tiny.opt.onnx");
    const file = await realOrtProfile(dir, "extended", 2, optimized);
    const nodes = ortNodeInfo(await readFile(optimized), optimized);
    assert.deepEqual(nodes.get("conv1"), {domain: "com.microsoft", activation: "Relu"});
    const parsed = await readOrtProfile(file, meta("ext.json", "extended"), {nodes});
    const fused = parsed.rows.filter((r) => r.op_type === "FusedConv");
    assert.equal(fused.length, 4, "two FusedConv nodes in each of 2 runs");
    assert.ok(fused.every((r) => r.fused_domain === "com.microsoft" && r.fused_activation === "Relu"));

    const store = await tempDir();
    const r = await cli(["import", "ort-profile", file, "--optimized-model", optimized, "--model", "tiny", "--device", "here", "--opt-level", "extended"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    const rows = await queryStore("SELECT DISTINCT op_type, fused_domain, fused_activation FROM op_profiles", {root: store});
    assert.deepEqual(rows, [{op_type: "FusedConv", fused_domain: "com.microsoft", fused_activation: "Relu"}]);
  });
});

describe("ONNX Runtime profile with a GPU provider (synthetic, in the writer's layout)", () => {
  it("times CUDA nodes by their kernels, keeps the launch time, and keeps kernels as nested rows", () => {
    const {events, expected} = cudaProfile(3);
    const parsed = parseOrtProfile(profileText(events), meta("jetson.json"));
    assert.equal(parsed.runs, 3);
    const nodes = parsed.rows.filter((r) => r.scope === "node");
    const kernels = parsed.rows.filter((r) => r.scope === "gpu_kernel");
    assert.equal(nodes.length, 3 * expected.size);
    for (const r of nodes) {
      const e = expected.get(r.node_name)!;
      assert.equal(r.provider, e.provider);
      if (e.kernelUs > 0) {
        assert.equal(r.duration_us, e.kernelUs, `${r.node_name} is timed by its kernels`);
        assert.equal(r.host_duration_us, e.hostUs);
      } else {
        assert.equal(r.duration_us, e.hostUs, "a CPU node keeps its own time");
        assert.equal(r.host_duration_us, null);
      }
    }
    // Each run: Conv_0 launched two kernels, each kept once, under its node.
    const conv0 = kernels.filter((k) => k.parent_node === "Conv_0" && k.run_index === 1);
    assert.equal(conv0.length, 2);
    assert.deepEqual(conv0.map((k) => k.duration_us).sort((a, b) => a - b), [12, 300]);
    assert.ok(conv0.every((k) => k.op_type === "Conv" && k.provider === "CUDAExecutionProvider" && k.node_name.startsWith("void ")));
    const memcpy = kernels.find((k) => k.node_name === "MEMCPY_HtoD")!;
    assert.equal(memcpy.parent_node, "MemcpyFromHost");
    // No double counting: node time per run equals the kernel time plus the CPU node's time.
    const perRun = nodes.filter((r) => r.run_index === 2).reduce((a, r) => a + r.duration_us * r.executions, 0);
    const kernelSum = kernels.filter((k) => k.run_index === 2).reduce((a, k) => a + k.duration_us * k.executions, 0);
    assert.equal(perRun, kernelSum + expected.get("Shape_3")!.hostUs);
  });

  it("keeps a kernel without parent_name as an unattributed gpu_kernel row", () => {
    const {events} = cudaProfile(1);
    events.push({cat: "Kernel", name: "void stray_kernel<float>(float*)", ts: events.at(-1)!.ts + 1, dur: 5, args: {stream: "7"}});
    const parsed = parseOrtProfile(profileText(events), meta("stray.json"));
    const stray = parsed.rows.find((r) => r.node_name.startsWith("void stray"))!;
    assert.equal(stray.parent_node, null);
    assert.equal(stray.scope, "gpu_kernel");
    assert.equal(parsed.diagnostics.count("unattributed_gpu_kernel"), 1);
  });
});

describe("ONNX Runtime profile edge cases and malformed files", () => {
  const run = (ts: number, nodes: [string, string, number][]): OrtEventSpec[] => {
    const out: OrtEventSpec[] = [];
    let t = ts + 3;
    nodes.forEach(([name, op, dur], i) => {
      out.push({cat: "Node", name: `${name}_kernel_time`, ts: t, dur, args: nodeArgs(op, "CPUExecutionProvider", i, [[1, 8]], [[1, 8]], 0)});
      t += dur + 1;
    });
    return [{cat: "Session", name: "model_run", ts, dur: t - ts + 2}, ...out];
  };

  it("reads names ORT wrote unescaped, and a node executed twice in one run", () => {
    const events = run(100, [['split "a"', "Split", 10], ["loop_body", "Add", 4], ["loop_body", "Add", 6]]);
    const text = profileText(events);
    assert.throws(() => JSON.parse(text));
    const parsed = parseOrtProfile(text, meta("q.json"));
    assert.deepEqual(parsed.rows.map((r) => [r.node_name, r.executions, r.duration_us]), [['split "a"', 1, 10], ["loop_body", 2, 5]]);
  });

  it("accepts a file cut short: no closing bracket, partial last line; nodes of an unfinished run are dropped", () => {
    const events = [...run(100, [["a", "Conv", 10]]), ...run(200, [["a", "Conv", 12]])];
    // The second run's model_run is missing, as when ORT stopped before writing it.
    const cut = events.filter((e, i) => !(e.name === "model_run" && i > 0));
    const text = profileText(cut, {close: false});
    const partial = `${text}${eventLine({cat: "Node", name: "b_kernel_time", ts: 300, dur: 1}).slice(0, 40)}`;
    const parsed = parseOrtProfile(partial, meta("cut.json"));
    assert.equal(parsed.runs, 1);
    assert.equal(parsed.rows.length, 1);
    assert.equal(parsed.diagnostics.count("truncated_event"), 1);
    assert.equal(parsed.diagnostics.count("missing_closing_bracket"), 1);
    assert.equal(parsed.diagnostics.count("node_outside_run"), 1);
  });

  it("reads the same events re-saved as pretty JSON or as {traceEvents: [...]}", () => {
    const events = [...run(100, [["a", "Conv", 10], ["b", "Relu", 2]])];
    const objects = JSON.parse(profileText(events));
    for (const text of [JSON.stringify(objects, null, 2), JSON.stringify({traceEvents: objects, displayTimeUnit: "ms"})]) {
      const parsed = parseOrtProfile(text, meta("x.json"));
      assert.deepEqual(parsed.rows.map((r) => r.node_name), ["a", "b"]);
    }
  });

  it("a broken line in the middle names its line", () => {
    const lines = profileText(run(100, [["a", "Conv", 10], ["b", "Relu", 2], ["c", "Relu", 2]])).split("\n");
    lines[3] = lines[3].replace('"ts" :', '"ts" ');
    const err = capture(() => parseOrtProfile(lines.join("\n"), meta("bad.json")));
    assert.equal(err.file, "bad.json");
    assert.equal(err.line, 4);
    assert.match(err.message, /^bad\.json:4: expected one trace event per line/);
  });

  it("a pretty-printed file with a syntax error names the line", () => {
    const pretty = JSON.stringify(JSON.parse(profileText(run(100, [["a", "Conv", 10]]))), null, 2).split("\n");
    pretty[6] = pretty[6].replace(",", "");
    const err = capture(() => parseOrtProfile(pretty.join("\n"), meta("p.json")));
    assert.equal(err.line, 8);
    assert.match(err.message, /invalid JSON/);
  });

  it("not a profile, an empty profile, a missing file", async () => {
    assert.match(capture(() => parseOrtProfile("name,value\nx,1\n", meta("c.csv"))).message, /^c\.csv:1: not an ONNX Runtime profile/);
    assert.match(capture(() => parseOrtProfile("[\n]\n", meta("e.json"))).message, /no node events found \(0 events/);
    const sessionOnly = profileText([{cat: "Session", name: "session_initialization", ts: 1, dur: 10}]);
    assert.match(capture(() => parseOrtProfile(sessionOnly, meta("s.json"))).message, /no node events found \(1 events/);
    const dir = await tempDir();
    await assert.rejects(readOrtProfile(`${dir}/nope.json`, meta("nope.json")), /nope\.json: no such file/);
  });
});
