// `trace net`: capability detection, the tracepoint script for real (as root, where the kernel has
// the sock tracepoints), the kprobe script only where kprobes attach, and the one-line fallback.
import assert from "node:assert/strict";
import http from "node:http";
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, describe, it} from "node:test";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {parseBpftraceLog} from "../../../loaders/formats/bpftrace/parser.ts";
import {detectNetCapability, type NetCapability} from "../../../loaders/net/capability.ts";
import {startNetTrace} from "../../../loaders/net/collector.ts";
import {KPROBE_SCRIPT, SYSCALL_SCRIPT, TRACEPOINT_SCRIPT, type NetScript} from "../../../loaders/net/scripts.ts";
import {startServer, type RunningServer} from "../../../loaders/serve/server.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import {MODEL, binaryBody, testModel} from "../serve/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "inferscope-net-"));
after(() => rmSync(dir, {recursive: true, force: true}));

let cap: NetCapability;
let server: RunningServer;
before(async () => {
  cap = await detectNetCapability();
  console.log(`# network tracing here: ${cap.ok ? `yes, ${cap.script} script` : "no"}: ${cap.reason}`);
  server = await startServer({model: MODEL, modelFile: await testModel(), port: 0});
});
after(() => server.close());

/** `n` inference requests on one keep-alive connection: a fresh one, or `agent`'s open one. */
async function requests(n: number, agent = new http.Agent({keepAlive: true, maxSockets: 1}), {keep = false} = {}): Promise<number> {
  const {body, headers} = binaryBody(1);
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${server.url}/v2/models/${MODEL}/infer`, {method: "POST", agent, headers: {...headers, "content-length": String(body.length)}}, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  }
  if (!keep) agent.destroy();
  return body.length;
}

/** Run `work` under one script; its parsed events (none lost, every line understood) and the clock around it. */
async function traced(script: NetScript, work: () => Promise<number>) {
  const log = join(dir, `${script}.log`);
  const t0 = process.hrtime.bigint();
  const trace = await startNetTrace({port: server.port, log, script});
  const bytes = await work();
  const stopped = await trace.stop();
  const t1 = process.hrtime.bigint();
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  const diagnostics = new Diagnostics();
  const {rows, lostEvents} = parseBpftraceLog(readFileSync(log, "utf8"), {file: log, diagnostics});
  assert.equal(lostEvents, 0);
  assert.deepEqual(diagnostics.list().filter((d) => d.code === "unparsed_line"), [], "every line is an event or bpftrace's own");
  return {rows, bytes, t0, t1};
}

describe("the scripts", () => {
  it("print the line layout the bpftrace importer reads", () => {
    for (const s of [KPROBE_SCRIPT, TRACEPOINT_SCRIPT, SYSCALL_SCRIPT]) {
      assert.match(s, /printf\("%s %d %s %s:%d %s:%d %llu TCP_SEND/);
      assert.match(s, /printf\("%s %d %s %s:%d %s:%d %llu TCP_RCV/);
      assert.match(s, /BEGIN \{\n {2}printf\("Tracing TCP port %d/);
    }
    assert.match(KPROBE_SCRIPT, /kprobe:tcp_sendmsg[\s\S]*kprobe:tcp_recvmsg/);
    assert.match(TRACEPOINT_SCRIPT, /tracepoint:sock:sock_send_length[\s\S]*tracepoint:sock:sock_recv_length/);
  });
  it("the kprobe script is chosen only where kprobes attach", (t) => {
    if (!cap.ok) return t.skip(`no bpftrace here: ${cap.reason}`);
    assert.equal(cap.script, cap.kprobes ? "kprobe" : existsSync("/sys/kernel/tracing/events/sock/sock_send_length") || existsSync("/sys/kernel/debug/tracing/events/sock/sock_send_length") ? "tracepoint" : "syscall");
    if (!cap.kprobes) t.diagnostic(`kprobe script skipped: ${cap.kprobeReason}`);
  });
});

describe("recording", () => {
  it("the tracepoint script records the server's sends and receives with kernel timestamps on the trace's clock", async (t) => {
    if (!cap.ok) return t.skip(`no bpftrace here: ${cap.reason}`);
    const {rows, bytes, t0, t1} = await traced("tracepoint", () => requests(5));
    assert.ok(rows.every((r) => r.sport === server.port || r.dport === server.port), "only the server's port");
    const serverRecv = rows.filter((r) => r.sport === server.port && r.direction === "recv");
    const clientSend = rows.filter((r) => r.dport === server.port && r.direction === "send");
    assert.ok(serverRecv.length > 0 && clientSend.length > 0, `both ends seen: ${rows.length} events`);
    const sum = (rs: typeof rows) => rs.reduce((a, r) => a + Number(r.bytes ?? 0), 0);
    assert.ok(sum(clientSend) >= 5 * bytes, `the client sent at least the 5 bodies: ${sum(clientSend)} >= ${5 * bytes}`);
    assert.equal(sum(serverRecv), sum(clientSend), "loopback: what one end sends the other receives");
    assert.ok(rows.filter((r) => r.sport === server.port && r.direction === "send").length >= 5, "the server answered");
    for (const r of rows) assert.ok(typeof r.ts_ns === "bigint" && r.ts_ns >= t0 && r.ts_ns <= t1, `kernel ns ${r.ts_ns} within [${t0}, ${t1}] of process.hrtime (CLOCK_MONOTONIC)`);
  });

  it("the syscall-tracepoint script (kernels without kprobes or sock tracepoints) sees both ends, also of a connection opened before tracing", async (t) => {
    const sc = await detectNetCapability({only: "syscall"});
    if (!sc.ok) return t.skip(`syscall script unavailable: ${sc.reason}`);
    // One request opens the keep-alive connection; the traced ones reuse it.
    const agent = new http.Agent({keepAlive: true, maxSockets: 1});
    await requests(1, agent, {keep: true});
    const {rows, bytes, t0, t1} = await traced("syscall", () => requests(4, agent));
    assert.ok(rows.length > 0 && rows.every((r) => r.sport === server.port || r.dport === server.port), `only the server's port (its destination port byte-swapped right): ${rows.length} events`);
    const sum = (rs: typeof rows) => rs.reduce((a, r) => a + Number(r.bytes ?? 0), 0);
    const clientSend = rows.filter((r) => r.dport === server.port && r.direction === "send");
    const serverRecv = rows.filter((r) => r.sport === server.port && r.direction === "recv");
    const serverSend = rows.filter((r) => r.sport === server.port && r.direction === "send");
    const clientRecv = rows.filter((r) => r.dport === server.port && r.direction === "recv");
    assert.ok(sum(clientSend) >= 4 * bytes, `the client sent the 4 bodies on the old connection: ${sum(clientSend)} >= ${4 * bytes}`);
    assert.equal(sum(serverRecv), sum(clientSend), "loopback: what one end sends the other receives");
    assert.ok(serverSend.length >= 4 && sum(clientRecv) === sum(serverSend), "the answers, both ends");
    assert.equal(new Set(clientSend.map((r) => r.sport)).size, 1, "one connection");
    assert.ok(rows.every((r) => r.pid === process.pid), "client and server are this process");
    for (const r of rows) assert.ok(typeof r.ts_ns === "bigint" && r.ts_ns >= t0 && r.ts_ns <= t1, `kernel ns ${r.ts_ns} within [${t0}, ${t1}]`);
  });

  it("the kprobe script where kprobes work", async (t) => {
    if (!cap.ok || !cap.kprobes) return t.skip(`kprobes unavailable: ${cap.ok ? cap.kprobeReason : cap.reason}`);
    const log = join(dir, "kp.log");
    const trace = await startNetTrace({port: server.port, log, script: "kprobe"});
    await requests(3);
    await trace.stop();
    const {rows} = parseBpftraceLog(readFileSync(log, "utf8"), {file: log, diagnostics: new Diagnostics()});
    assert.ok(rows.some((r) => r.direction === "send") && rows.some((r) => r.direction === "recv"));
  });

  it("`trace net` runs a command under bpftrace and stores its events", async (t) => {
    if (!cap.ok) return t.skip(`no bpftrace here: ${cap.reason}`);
    const store = join(dir, "store");
    const log = join(dir, "cli.log");
    const {body, headers} = binaryBody(1);
    const script = `const http=require("http");const b=Buffer.from(${JSON.stringify(body.toString("base64"))},"base64");let n=0;const go=()=>{const r=http.request(${JSON.stringify(`${server.url}/v2/models/${MODEL}/infer`)},{method:"POST",headers:${JSON.stringify(headers)}},(res)=>{res.resume();res.on("end",()=>{if(++n<3)go();else console.log("sent",n)})});r.end(b)};go();`;
    const r = await cli(["trace", "net", "--port", String(server.port), "--out", log, "--json", "--", process.execPath, "-e", script], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sent 3$/m, "the command ran with the terminal's stdout");
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.equal(result.script, cap.script);
    assert.equal(result.lost_events, 0);
    assert.ok(result.events >= 6, `events: ${result.events}`);
    const [stored] = await queryStore(`SELECT count(*) AS n, count(DISTINCT direction) AS dirs FROM net_events WHERE run_id = '${result.run_id}'`, {root: store});
    assert.deepEqual([Number(stored.n), Number(stored.dirs)], [result.events, 2]);
  });
});

describe("without bpftrace", () => {
  it("says why in one line and still runs the command", async () => {
    const r = await cli(["trace", "net", "--port", "8000", "--out", join(dir, "none.log"), "--", process.execPath, "-e", "console.log('workload ran')"], {env: {INFERSCOPE_BPFTRACE: join(dir, "no-such-bpftrace"), INFERSCOPE_STORE: join(dir, "store2")}});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "workload ran");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^trace net: no network trace: bpftrace is not installed at .*no-such-bpftrace \(\$INFERSCOPE_BPFTRACE\)/);
  });
  it("a bpftrace that cannot load programs (no CAP_BPF, a locked-down kernel) is a no with bpftrace's reason", async (t) => {
    if (process.getuid?.() !== 0) return t.skip("needs root: the check stops at 'bpftrace needs root' before trying a probe");
    // A stand-in that answers --version like bpftrace and fails every script the way a sandbox without BPF does.
    const fake = join(dir, "bpftrace-no-bpf");
    writeFileSync(fake, `#!/bin/sh\nif [ "$1" = --version ]; then echo "bpftrace v0.17.0"; exit 0; fi\necho "ERROR: Could not load program: Operation not permitted" >&2\nexit 1\n`);
    chmodSync(fake, 0o755);
    const saved = process.env.INFERSCOPE_BPFTRACE;
    process.env.INFERSCOPE_BPFTRACE = fake;
    try {
      const c = await detectNetCapability();
      if (!c.tracefs) return t.skip(`no tracefs here: ${c.reason}`);
      assert.equal(c.ok, false);
      assert.equal(c.script, null);
      assert.doesNotMatch(c.reason, /\n/);
      assert.match(c.reason, /tracepoint:sock:sock_send_length does not attach \(ERROR: Could not load program: Operation not permitted\)/);
    } finally {
      if (saved === undefined) delete process.env.INFERSCOPE_BPFTRACE;
      else process.env.INFERSCOPE_BPFTRACE = saved;
    }
  });
  it("passes the command's exit code on", async () => {
    const r = await cli(["trace", "net", "--", process.execPath, "-e", "process.exit(3)"], {env: {INFERSCOPE_BPFTRACE: join(dir, "no-such-bpftrace")}});
    assert.equal(r.code, 3);
  });
});
