import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, it} from "node:test";
import {fileURLToPath} from "node:url";
import {InputError} from "../../../loaders/common/errors.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {readTritonTraces} from "../../../loaders/formats/triton-trace/reader.ts";
import {TraceSummary, type ModelSummary} from "../../../loaders/formats/triton-trace/summary.ts";
import {JsonArrayTokenizer} from "../../../loaders/formats/triton-trace/tokenizer.ts";
import {sniffTritonTrace} from "../../../loaders/formats/triton-trace/sniff.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {printable} from "../../../loaders/cli/commands/summary-triton.ts";
import {expectedSummary, makeTraces, npPercentile, write1x, writeCurrent, writeInterleaved, type Trace} from "./triton-writer.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "inferscope-triton-"));
after(() => rmSync(dir, {recursive: true, force: true}));

async function summarize(paths: string[], options: {window?: number} = {}) {
  const diagnostics = new Diagnostics();
  const summary = new TraceSummary(diagnostics);
  const {files} = await readTritonTraces(paths, {onRequest: (r) => summary.add(r), diagnostics, window: options.window});
  return {files, models: summary.result(), diagnostics};
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "inferscope.js"), ...args], {encoding: "utf8", env: {...process.env, ...env}});
  return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

function key(m: ModelSummary): string {
  return `${m.model}|${m.version}|${m.frontend ?? ""}`;
}

/** Every group's count and means equal the independent computation; percentiles match numpy's. */
function assertMatches(models: ModelSummary[], traces: Trace[], opts: {legacy1x?: boolean; ownFrontend?: boolean} = {}) {
  const expected = expectedSummary(traces, opts);
  assert.deepEqual(models.map(key).sort(), [...expected.keys()].sort());
  for (const m of models) {
    const e = expected.get(key(m))!;
    assert.equal(m.count, e.count, `count of ${key(m)}`);
    for (const [k, v] of Object.entries(e.mean_us)) assert.equal(m.mean_us[k as keyof typeof m.mean_us], v, `mean ${k} of ${key(m)}`);
    for (const [k, vs] of Object.entries(e.values)) {
      assert.equal(m.p50_us[k as keyof typeof m.p50_us], npPercentile(vs, 50) / 1000, `p50 ${k} of ${key(m)}`);
      assert.equal(m.p99_us[k as keyof typeof m.p99_us], npPercentile(vs, 99) / 1000, `p99 ${k} of ${key(m)}`);
    }
  }
}

describe("triton trace: tokenizer", () => {
  it("finds the same entries whatever the chunk boundaries, with quotes, brackets and escapes inside strings", () => {
    const entries = [
      `{"id":1,"model_name":"a\\"b]}[{","model_version":1,"request_id":"x\\\\"}`,
      `{"id":1,"activity":"TENSOR_QUEUE_INPUT","tensor":{"name":"in","data":"\\"a]}\\",\\"b\\\\\\"","shape":"2","dtype":"BYTES"}}`,
      `{"id":1,"timestamps":[{"name":"REQUEST_START","ns":12}]}`
    ];
    const text = Buffer.from(` [${entries.join(" ,\n")}]\n`);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const got: string[] = [];
      const tok = new JsonArrayTokenizer("t.json", {entry: (u, a, b) => got.push(u.toString("utf8", a, b))});
      for (let i = 0; i < text.length; i += size) tok.push(text.subarray(i, i + size));
      const end = tok.end();
      assert.deepEqual(got, entries, `chunk size ${size}`);
      assert.equal(end.truncated, false);
      for (const e of got) JSON.parse(e);
    }
  });

  it("reports a cut-off last entry with its byte offset, and a missing ']' alone as truncation without drops", () => {
    const full = `[{"id":1,"timestamps":[{"name":"A","ns":1}]},{"id":2,"timestamps":[{"name":"B","ns":2}]}]`;
    const cut = full.slice(0, full.indexOf(`{"id":2`) + 20);
    const tok = new JsonArrayTokenizer("t.json", {entry: () => {}});
    tok.push(Buffer.from(cut));
    assert.deepEqual(tok.end(), {entries: 1, truncated: true, droppedEntries: 1, droppedOffset: full.indexOf(`{"id":2`), bytes: cut.length});
    const tok2 = new JsonArrayTokenizer("t.json", {entry: () => {}});
    tok2.push(Buffer.from(full.slice(0, full.indexOf(`{"id":2`))));
    const end2 = tok2.end();
    assert.equal(end2.truncated, true);
    assert.equal(end2.droppedEntries, 0);
    assert.equal(end2.entries, 1);
  });

  it("rejects what cannot be a trace array with the byte offset and what was expected", () => {
    const bad = `[{"id":1,"timestamps":[]} {"id":2}]`;
    const tok = new JsonArrayTokenizer("bad.json", {entry: () => {}});
    assert.throws(() => tok.push(Buffer.from(bad)), (e: unknown) => e instanceof InputError && /bad\.json:1: byte 26: expected ',' or '\]' after an entry/.test(e.message));
    const tok2 = new JsonArrayTokenizer("obj.json", {entry: () => {}});
    assert.throws(() => tok2.push(Buffer.from(`{"id":1}`)), /obj\.json:1: byte 0: expected '\['/);
    // Triton does not escape names: a quote in one leaves an entry that never closes before the next ones.
    const quoted = `[{"id":1,"model_name":"a"b","model_version":1},{"id":1,"timestamps":[{"name":"REQUEST_START","ns":1}]},{"id":2,"timestamps":[{"name":"REQUEST_START","ns":1}]}]`;
    const tok3 = new JsonArrayTokenizer("quote.json", {entry: (u, a, b) => JSON.parse(u.toString("utf8", a, b))});
    assert.throws(() => {
      tok3.push(Buffer.from(quoted));
      tok3.end();
    }, (e: unknown) => e instanceof InputError && /quote\.json:1: byte 1: an entry never closes but more entries follow it/.test(e.message));
    assert.equal(sniffTritonTrace("Concurrency,Inferences/Second\n1,2").ok, false);
    assert.equal(sniffTritonTrace(`[{"id":1,"model_name":"m"`).layout, "2.x");
    assert.equal(sniffTritonTrace(`[{ "timestamps": [{"name":"queue start", "ns":1}]`).layout, "1.x");
  });
});

describe("triton trace: layouts", () => {
  const traces = makeTraces(120, {seed: 11});

  it("2.x, current writer (whole traces, child streams in any order): means equal trace_summary.py's, percentiles numpy's", async () => {
    const [path] = writeCurrent(dir, "current.json", traces);
    const {models, files} = await summarize([path]);
    assert.equal(files[0].truncated, false);
    assert.equal(files[0].layout, "2.x");
    assertMatches(models, traces);
    // C API requests form their own group; ensemble and BLS children inherit the root's frontend.
    assert.ok(models.some((m) => m.model === "resnet50" && m.frontend === null));
    assert.ok(models.some((m) => m.model === "preprocess" && m.frontend === "http"));
    const pipeline = models.find((m) => m.model === "pipeline")!;
    assert.equal(pipeline.mean_us.queue, null, "an ensemble has no queue of its own");
    assert.equal(pipeline.mean_us.handler_overhead, null);
  });

  it("2.x, activities interleaved across requests (older servers): the same summary", async () => {
    const path = writeInterleaved(dir, "interleaved.json", traces);
    const text = readFileSync(path, "utf8");
    // The file really interleaves: the second entry belongs to another request than the first.
    const ids = [...text.matchAll(/"id":(\d+)/g)].slice(0, 40).map((m) => m[1]);
    assert.ok(new Set(ids.slice(0, 20)).size > 2);
    assertMatches((await summarize([path])).models, traces);
    // A tiny window still gives the same result: children wait for their parents.
    assertMatches((await summarize([path], {window: 8})).models, traces);
  });

  it("split by log frequency (trace.json.0, .1, ...): the files together give the whole summary", async () => {
    const paths = writeCurrent(dir, "split.json", traces, {logFrequency: 25});
    assert.equal(paths.length, 5);
    assert.match(paths[4], /split\.json\.4$/);
    for (const p of paths) assert.match(readFileSync(p, "utf8"), /^\[.*\]$/s);
    const {models, files} = await summarize(paths);
    assert.equal(files.length, 5);
    assertMatches(models, traces);
  });

  it("1.x objects with lowercase names, and the earliest 'http infer start' builds", async () => {
    const plain = makeTraces(40, {seed: 5, kinds: ["http", "grpc", "capi", "ensemble"]});
    const p1 = write1x(dir, "v1.json", plain);
    const r1 = await summarize([p1]);
    assert.equal(r1.files[0].layout, "1.x");
    // 1.x: no parent link to the root (the root has no id), so each trace counts under its own frontend.
    assertMatches(r1.models, plain, {ownFrontend: true});
    const legacy = makeTraces(30, {seed: 6, kinds: ["http", "grpc", "capi"]});
    const p2 = write1x(dir, "v1-legacy.json", legacy, {legacy: true});
    assert.match(readFileSync(p2, "utf8"), /"http infer start"/);
    assertMatches((await summarize([p2])).models, legacy, {legacy1x: true, ownFrontend: true});
  });
});

describe("triton trace: CLI", () => {
  const traces = makeTraces(60, {seed: 21});

  it("summary triton --json has the documented shape and equals the independent averages", () => {
    const [path] = writeCurrent(dir, "cli.json", traces);
    const r = cli(["summary", "triton", path, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["files", "models"]);
    assert.deepEqual(out.files, [{path, entries: readFileSync(path, "utf8").match(/\{"id"/g)!.length, dropped_entries: 0, truncated: false}]);
    const m = out.models[0];
    assert.deepEqual(Object.keys(m), ["model", "version", "frontend", "count", "mean_us", "p50_us", "p90_us", "p99_us"]);
    assert.deepEqual(Object.keys(m.mean_us), ["infer", "receive", "send", "frontend_overhead", "request", "queue", "compute", "compute_input", "compute_infer", "compute_output", "handler_overhead"]);
    assertMatches(out.models, traces);
  });

  it("names from the file are shown as data: control characters escaped in text output", () => {
    assert.equal(printable("m\u001b[31m<b>x</b>\n"), "m\\u001b[31m<b>x</b>\\u000a");
  });

  it("a file from a server still running or killed: exit 0, warning with file, count and byte offset", () => {
    const [path] = writeCurrent(dir, "full.json", traces);
    const text = readFileSync(path, "utf8");
    // Cut inside the last request's entries: no closing ']' and half an entry.
    const cutAt = text.lastIndexOf(`{"id":`) + 17;
    const cutPath = join(dir, "killed.json");
    writeFileSync(cutPath, text.slice(0, cutAt));
    const r = cli(["summary", "triton", cutPath, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files[0].truncated, true);
    assert.equal(out.files[0].dropped_entries, 1);
    assert.ok(r.stderr.includes(`warning: ${cutPath}: truncated (no closing ']'): dropped 1 incomplete entry at byte ${text.lastIndexOf(`{"id":`)}`), r.stderr);
    // Every request before the last one is summarized exactly.
    const total = out.models.reduce((a: number, m: ModelSummary) => a + m.count, 0);
    const expectedTotal = [...expectedSummary(traces).values()].reduce((a, e) => a + e.count, 0);
    assert.ok(total >= expectedTotal - traces[traces.length - 1].length && total < expectedTotal + 1);
  });

  it("import triton stores one row per request with exact timestamps past 2^53 and custom activities; a malformed file writes nothing", async () => {
    const store = join(dir, "store");
    const big = makeTraces(6, {seed: 8, base: 9_500_000_000_123_457n, kinds: ["http", "ensemble"], model: `<b>"odd"</b> ✓`});
    // A custom activity (CUSTOM_ACTIVITY with its name from the trace context) and tensor entries.
    big[0][0].ts.splice(3, 0, ["PY_CUSTOM_STEP_START", big[0][0].ts[2][1] + 5n]);
    big[0][0].tensors = [`{"id":${big[0][0].id},"activity":"TENSOR_BACKEND_OUTPUT","tensor":{"name":"out","data":"\\"x]}\\"","shape":"1","dtype":"BYTES"}}`];
    // Triton writes names unescaped; this name has a quote, so write it escaped as valid JSON would need.
    const [path] = writeCurrent(dir, "import.json", big.map((t) => t.map((q) => ({...q, model: q.model === `<b>"odd"</b> ✓` ? `<b>\\"odd\\"</b> ✓` : q.model}))));
    const r = cli(["import", "triton", path], {INFERSCOPE_STORE: store});
    assert.equal(r.code, 0, r.stderr);
    const rows = await queryStore("SELECT * FROM triton_requests ORDER BY trace_id", {root: store});
    assert.equal(rows.length, big.flat().length);
    const first = rows[0];
    const q = big[0][0];
    const ns = new Map(q.ts);
    assert.equal(first.model, `<b>"odd"</b> ✓`);
    assert.equal(first.request_start_ns, ns.get("REQUEST_START"));
    assert.equal(first.recv_start_ns, ns.get("HTTP_RECV_START"));
    assert.equal(first.send_end_ns, ns.get("HTTP_SEND_END"));
    assert.equal(first.start_ns, ns.get("HTTP_RECV_START"));
    assert.equal(first.request_us, Number(ns.get("REQUEST_END")! - ns.get("REQUEST_START")!) / 1000);
    assert.equal(first.tensor_entries, 1);
    assert.deepEqual(JSON.parse(first.extra_timestamps as string), [["PY_CUSTOM_STEP_START", Number(ns.get("PY_CUSTOM_STEP_START")! - ns.get("HTTP_RECV_START")!)]]);
    const child = rows.find((x) => x.model === "preprocess")!;
    assert.equal(child.frontend, "http");
    assert.equal(child.root_id, child.parent_id);
    const runsBefore = (await queryStore("SELECT count(*)::INTEGER AS n FROM runs", {root: store}))[0].n;

    const bad = join(dir, "malformed.json");
    writeFileSync(bad, readFileSync(path, "utf8").replace(`},{"id":${big[1][0].id},`, `} {"id":${big[1][0].id},`));
    const r2 = cli(["import", "triton", path, bad], {INFERSCOPE_STORE: store});
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*:1: byte \\d+: expected ',' or '\\]' after an entry`));
    assert.doesNotMatch(r2.stderr, /at .*\.ts:\d+/, "no stack trace for a user error");
    assert.equal((await queryStore("SELECT count(*)::INTEGER AS n FROM runs", {root: store}))[0].n, runsBefore);
    assert.equal((await queryStore("SELECT count(*)::INTEGER AS n FROM triton_requests", {root: store}))[0].n, rows.length);
  });
});
