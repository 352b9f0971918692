// The Timeline page's data loaders, run as Framework runs them (a child process printing Arrow IPC),
// over a store filled by the real import commands: stage spans and times exact to the ns after the
// first request, with timestamps past 2^53; network events placed on a trace's axis only when their
// kernel clock overlaps it.
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, describe, it} from "node:test";
import {fileURLToPath} from "node:url";
import {tableFromIPC} from "apache-arrow";
import {TIMELINE_STAGES} from "../../../loaders/formats/triton-trace/stages.ts";
import {makeTraces, writeCurrent, type Req} from "./triton-writer.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "inferscope-timeline-"));
const store = join(dir, "store");
after(() => rmSync(dir, {recursive: true, force: true}));

// Past 2^53: a double cannot hold these ns exactly, so only BIGINT arithmetic gets the µs right.
const BASE = 2n ** 53n + 12_345n;

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "inferscope.js"), ...args], {encoding: "utf8", env: {...process.env, INFERSCOPE_STORE: store}});
  assert.equal(r.status, 0, r.stderr);
}

function loader(name: string): Record<string, any>[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "data", name)], {cwd: ROOT, env: {...process.env, INFERSCOPE_STORE: store}, maxBuffer: 1 << 28});
  assert.equal(r.status, 0, String(r.stderr));
  return tableFromIPC(r.stdout).toArray().map((row) => row.toJSON());
}

/** Each stage of one request from its timestamps (BigInt ns), by the rules in stages.ts, written out again. */
function expectedStages(q: Req): Record<string, [from: bigint, to: bigint] | null> {
  const m = new Map(q.ts);
  const p = (...names: string[]) => names.map((n) => m.get(n)).find((v) => v !== undefined);
  const recvStart = p("HTTP_RECV_START", "GRPC_WAITREAD_START");
  const recvEnd = p("HTTP_RECV_END", "GRPC_WAITREAD_END");
  const sendStart = p("HTTP_SEND_START", "GRPC_SEND_START");
  const sendEnd = p("HTTP_SEND_END", "GRPC_SEND_END");
  const [rs, qs, cs, cie, cos, ce, re] = ["REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START", "COMPUTE_END", "REQUEST_END"].map((n) => m.get(n));
  const ensemble = rs !== undefined && qs === undefined && cs === undefined;
  const span = (a: bigint | undefined, b: bigint | undefined): [bigint, bigint] | null => (a !== undefined && b !== undefined && b >= a ? [a, b] : null);
  return {
    receive: span(recvStart, recvEnd),
    frontend: recvEnd !== undefined || qs !== undefined ? span(recvEnd ?? rs, qs ?? rs) : null,
    queue: span(qs, cs),
    compute_input: span(cs, cie),
    compute_infer: span(cie, cos),
    compute_output: span(cos, ce),
    compute: cie === undefined || cos === undefined ? span(cs, ce) : null,
    ensemble: ensemble ? span(rs, re) : null,
    response: span(ensemble ? re : ce, sendStart ?? (ensemble ? undefined : re)),
    send: span(sendStart, sendEnd)
  };
}

// Differences are far below 2^53, so the double nearest ns / 1000 is this; a loader that turned the
// absolute ns into doubles before subtracting would be off by a few ns here.
const us = (ns: bigint) => Number(ns) / 1000;

describe("Timeline loaders", () => {
  const traces = makeTraces(40, {seed: 7, base: BASE});
  const requests = traces.flat();
  const t0 = requests.map((q) => new Map(q.ts)).map((m) => m.get("HTTP_RECV_START") ?? m.get("GRPC_WAITREAD_START") ?? m.get("REQUEST_START")!).reduce((a, b) => (b < a ? b : a));
  const last = requests.flatMap((q) => q.ts.map(([, ns]) => ns)).reduce((a, b) => (b > a ? b : a));

  before(() => {
    cli(["import", "triton", ...writeCurrent(dir, "trace.json", traces, {logFrequency: 16})]);
    const line = (wall: string, ns: bigint | null, tag: string) => `${wall} 4121    tritonserver     10.0.0.5:8000          10.0.0.9:40000         ${ns === null ? "" : `${ns}  `}${tag} 100`;
    // On the trace's clock: inside its range. Another boot: far from it. Wall clock only: no kernel ns.
    writeFileSync(join(dir, "same.log"), [line("23:59:59", t0 + 1_234_567n, "TCP_RCV"), line("00:00:01", last - 1n, "TCP_SEND")].join("\n"));
    writeFileSync(join(dir, "other.log"), [line("10:00:00", 5_000_000_000n, "TCP_RCV"), line("10:00:00", 5_000_400_001n, "TCP_SEND")].join("\n"));
    writeFileSync(join(dir, "wall.log"), [line("23:59:58", null, "TCP_RCV"), line("00:00:02", null, "TCP_SEND")].join("\n"));
    for (const f of ["same.log", "other.log", "wall.log"]) cli(["import", "bpftrace", join(dir, f)]);
  });

  it("triton-requests: every stage's start and length, exact to the ns after the first request", () => {
    const rows = loader("triton-requests.arrow.ts");
    assert.equal(rows.length, requests.length);
    const byId = new Map(rows.map((r) => [`${r.source_file.replace(/.*\./, "")}:${r.trace_id}`, r]));
    let checked = 0;
    traces.forEach((t, i) => {
      for (const q of t) {
        const row = byId.get(`${Math.floor(i / 16)}:${q.id}`);
        assert.ok(row, `request ${q.id} of file ${Math.floor(i / 16)}`);
        const expected = expectedStages(q);
        for (const {key} of TIMELINE_STAGES) {
          const span = expected[key];
          if (span === null) {
            assert.equal(row[`${key}_us`], null, `${q.model} ${q.id} ${key}`);
            continue;
          }
          assert.equal(row[`${key}_at`], us(span[0] - t0), `${q.model} ${q.id} ${key} start`);
          assert.equal(row[`${key}_us`], us(span[1] - span[0]), `${q.model} ${q.id} ${key} length`);
          checked++;
        }
      }
    });
    assert.ok(checked > requests.length * 4, `stages checked: ${checked}`);
    // Every kind of request has its stages: frontend requests, in-process ones, ensembles, BLS drivers.
    const has = (key: string) => rows.filter((r) => r[`${key}_us`] !== null).length;
    for (const key of ["receive", "frontend", "queue", "compute_infer", "compute", "ensemble", "response", "send"]) assert.ok(has(key) > 0, key);
    // A top-level request and its steps share family_at, the top-level request's start.
    const pipeline = rows.find((r) => r.model === "pipeline")!;
    const steps = rows.filter((r) => r.parent_id === pipeline.trace_id && r.source_file === pipeline.source_file);
    assert.equal(steps.length, 2);
    assert.ok(steps.every((s) => s.family_at === pipeline.start_at && s.start_at > pipeline.start_at));
  });

  it("triton-traces: the first timestamp as exact text and the span", () => {
    const [trace] = loader("triton-traces.arrow.ts");
    assert.equal(trace.first_ns, String(t0));
    assert.equal(trace.requests, requests.length);
    assert.equal(trace.span_us, us(last - t0));
  });

  it("net-events: aligned only when the kernel clock overlaps the trace; otherwise on the log's own clock", () => {
    const rows = loader("net-events.arrow.ts");
    const [trace] = loader("triton-traces.arrow.ts");
    const of = (f: string) => rows.filter((r) => r.source_file.endsWith(f));
    const same = of("same.log");
    assert.deepEqual(same.map((r) => r.trace_run_id), [trace.run_id, trace.run_id]);
    assert.deepEqual(same.map((r) => r.trace_us), [1234.567, us(last - 1n - t0)]);
    assert.deepEqual(same.map((r) => r.own_us), [0, us(last - 1n - t0 - 1_234_567n)]);
    // The printed wall clock wraps at midnight: 23:59:59 -> 00:00:01 is two seconds.
    assert.deepEqual(same.map((r) => r.wall_s), [0, 2]);
    const other = of("other.log");
    assert.deepEqual(other.map((r) => [r.trace_run_id, r.trace_us, r.own_us, r.has_kernel_time]), [[null, null, 0, true], [null, null, 400.001, true]]);
    const wall = of("wall.log");
    assert.deepEqual(wall.map((r) => [r.trace_run_id, r.own_us, r.wall_s, r.has_kernel_time]), [[null, null, 0, false], [null, null, 4, false]]);
  });
});
