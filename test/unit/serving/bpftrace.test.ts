import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, it} from "node:test";
import {fileURLToPath} from "node:url";
import {InputError} from "../../../loaders/common/errors.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {parseBpftraceLog} from "../../../loaders/formats/bpftrace/parser.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {rng} from "./triton-writer.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "inferscope-bpf-"));
after(() => rmSync(dir, {recursive: true, force: true}));

interface Ev {
  time: string;
  pid: number;
  comm: string;
  saddr: string;
  sport: number;
  daddr: string;
  dport: number;
  ns: bigint;
  tag: string;
  bytes?: number;
}

function events(n: number, seed = 1): Ev[] {
  const rand = rng(seed);
  const out: Ev[] = [];
  let ns = 2_356_425_054_587_444n;
  for (let i = 0; i < n; i++) {
    ns += BigInt(1000 + Math.floor(rand() * 50000));
    const v6 = i % 3 === 2;
    const server = i % 2 === 0;
    out.push({
      time: `14:03:${String(7 + Math.floor(i / 10)).padStart(2, "0")}`,
      pid: server ? 4121 : 7711,
      comm: server ? "tritonserver" : "perf analyzer",
      saddr: v6 ? "fe80::1c2:3ff:fe04:506" : "10.0.0.5",
      sport: server ? 8000 : 51234 + i,
      daddr: v6 ? "::1" : "10.0.0.9",
      dport: server ? 51234 + i : 8000,
      ns,
      tag: rand() < 0.5 ? "TCP_SEND" : "TCP_RCV",
      bytes: i % 4 === 0 ? 100 + i : undefined
    });
  }
  return out;
}

/** The printf of the reference script: time("%H:%M:%S "), then the fields padded like its header. */
function line(e: Ev): [time: string, printf: string] {
  return [`${e.time} `, `${String(e.pid).padEnd(7)} ${e.comm.padEnd(16)} ${`${e.saddr}:${e.sport}`.padEnd(22)} ${`${e.daddr}:${e.dport}`.padEnd(22)} ${String(e.ns).padEnd(17)} ${e.tag}${e.bytes !== undefined ? ` ${e.bytes}` : ""}\n`];
}

function textLog(evs: Ev[], lostAfter: number[]): string {
  const out = ["Attaching 3 probes...\n", `${"TIME".padEnd(8)} ${"PID".padEnd(7)} ${"COMM".padEnd(16)} ${"SADDR:SPORT".padEnd(22)} ${"DADDR:DPORT".padEnd(22)} ${"TIME".padEnd(17)} EVENT\n`];
  evs.forEach((e, i) => {
    out.push(line(e).join(""));
    if (lostAfter.includes(i)) out.push(`Lost ${i + 3} events\n`);
  });
  return out.join("");
}

/** bpftrace -f json: JsonOutput::message escapes the text; time() and printf() are separate messages. */
function jsonLog(evs: Ev[], lostAfter: number[]): string {
  const out = ['{"type": "attached_probes", "data": {"probes": 3}}'];
  evs.forEach((e, i) => {
    const [t, p] = line(e);
    out.push(`{"type": "time", "data": ${JSON.stringify(t)}}`, `{"type": "printf", "data": ${JSON.stringify(p)}}`);
    if (lostAfter.includes(i)) out.push(`{"type": "lost_events", "data": {"events": ${i + 3}}}`);
  });
  return `${out.join("\n")}\n`;
}

function check(rows: ReturnType<typeof parseBpftraceLog>["rows"], evs: Ev[]) {
  assert.equal(rows.length, evs.length);
  rows.forEach((r, i) => {
    const e = evs[i];
    assert.equal(r.wall_time, e.time);
    assert.equal(r.ts_ns, e.ns);
    assert.equal(r.pid, e.pid);
    assert.equal(r.comm, e.comm);
    assert.equal(r.saddr, e.saddr);
    assert.equal(r.sport, e.sport);
    assert.equal(r.daddr, e.daddr);
    assert.equal(r.dport, e.dport);
    assert.equal(r.family, e.saddr.includes(":") ? "ipv6" : "ipv4");
    assert.equal(r.direction, e.tag === "TCP_SEND" ? "send" : "recv");
    assert.equal(r.bytes ?? null, e.bytes === undefined ? null : BigInt(e.bytes));
  });
}

describe("bpftrace network logs", () => {
  const evs = events(40, 4);
  const lostAfter = [5, 30];
  const lostTotal = lostAfter.reduce((a, i) => a + i + 3, 0);

  it("text output: IPv4 and IPv6, comm with a space, optional byte count, Lost lines counted", () => {
    const diagnostics = new Diagnostics();
    const r = parseBpftraceLog(textLog(evs, lostAfter), {file: "net.log", diagnostics});
    assert.equal(r.format, "text");
    check(r.rows, evs);
    assert.equal(r.lostEvents, lostTotal);
    assert.equal(diagnostics.count("lost_events"), lostTotal);
    assert.equal(diagnostics.list().find((d) => d.code === "lost_events")!.first_line, 2 + 6 + 1);
  });

  it("-f json output: time and printf messages joined into lines, lost_events counted", () => {
    const diagnostics = new Diagnostics();
    const r = parseBpftraceLog(jsonLog(evs, lostAfter), {file: "net.json", diagnostics});
    assert.equal(r.format, "json");
    check(r.rows, evs);
    assert.equal(r.lostEvents, lostTotal);
  });

  it("bracketed IPv6 and numeric first TIME; unrecognised lines counted; a log with no events is an InputError", () => {
    const diagnostics = new Diagnostics();
    const text = "2356425054587444 99 curl [::1]:40000 [::1]:8000 HTTP_SEND\nsomething else\n";
    const r = parseBpftraceLog(text, {file: "x.log", diagnostics});
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].saddr, "::1");
    assert.equal(r.rows[0].ts_ns, 2356425054587444n);
    assert.equal(r.rows[0].wall_time, null);
    assert.equal(diagnostics.count("unparsed_line"), 1);
    assert.throws(() => parseBpftraceLog("hello\nworld\n", {file: "nope.log", diagnostics: new Diagnostics()}), (e: unknown) => e instanceof InputError && /nope\.log: no line is a network event/.test(e.message));
  });

  it("import bpftrace stores net_events and the lost-event count as a diagnostic", async () => {
    const store = join(dir, "store");
    const path = join(dir, "net.log");
    writeFileSync(path, textLog(evs, lostAfter));
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "inferscope.js"), "import", "bpftrace", path], {encoding: "utf8", env: {...process.env, INFERSCOPE_STORE: store}});
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`bpftrace lost ${lostTotal} events`));
    const rows = await queryStore("SELECT count(*)::INTEGER AS n, count(DISTINCT family)::INTEGER AS f FROM net_events", {root: store});
    assert.deepEqual(rows[0], {n: evs.length, f: 2});
    const diag = await queryStore("SELECT code, count::INTEGER AS count FROM import_diagnostics", {root: store});
    assert.deepEqual(diag, [{code: "lost_events", count: lostTotal}]);
  });
});
