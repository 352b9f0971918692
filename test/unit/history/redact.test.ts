// Redaction for reports shared outside the lab: every IPv4/IPv6 address, the hostname and user names
// are gone from an imported trace (bpftrace network log, Triton trace), from the host fingerprint, and
// from what the pages' loaders print with INFERSCOPE_REDACT=1; placeholders are stable and keyed.
import assert from "node:assert/strict";
import {execa} from "execa";
import {mkdir, writeFile} from "node:fs/promises";
import {isIP} from "node:net";
import os from "node:os";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {tableFromIPC} from "apache-arrow";
import {hostFingerprint} from "../../../loaders/host/fingerprint.ts";
import {Redactor} from "../../../loaders/history/redact.ts";
import {DATASETS} from "../../../loaders/store/datasets.ts";
import {quoteIdent} from "../../../loaders/store/schema.ts";
import {openStore, PROJECT_ROOT} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {makeTraces, writeCurrent} from "../serving/triton-writer.ts";

const HOSTNAME = os.hostname();
const USER = "alice";
const key = Buffer.from("test key");

/** Every address in a text, found independently of the redactor: split into address-like tokens, ask net.isIP (port stripped). */
function addresses(text: string): string[] {
  const found: string[] = [];
  for (const token of text.split(/[^0-9a-fA-F:.%]+/)) {
    const t = token.replace(/^\.+|\.+$/g, "");
    const candidates = [t, t.replace(/:\d{1,5}$/, ""), t.replace(/%.*$/, "")];
    if (candidates.some((c) => c.length > 1 && isIP(c) !== 0 && /\d/.test(c))) found.push(t);
  }
  return found;
}

function nameIn(text: string, name: string): boolean {
  return new RegExp(`(?<![a-z0-9])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`, "i").test(text);
}

/** Every string stored in every dataset (lists included). */
async function storeStrings(root: string): Promise<string[]> {
  const store = await openStore(root);
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  try {
    for (const name of Object.keys(DATASETS)) {
      const rows = (await store.connection.runAndReadAll(`SELECT * FROM ${quoteIdent(name)}`)).getRowObjectsJS();
      for (const r of rows) Object.values(r).forEach(walk);
    }
  } finally {
    store.close();
  }
  return out;
}

const LOG = [
  "Attaching 2 probes...",
  "TIME     PID     COMM             SADDR:SPORT            DADDR:DPORT            TIME              EVENT",
  "14:03:07 4121    tritonserver     10.0.0.5:8000          10.0.0.9:51234         2356425054587444  TCP_SEND 512",
  "14:03:07 4121    tritonserver     192.168.17.42:8001     172.16.254.3:40022     2356425054590000  TCP_RCV 1024",
  "14:03:07 7711    perf_analyzer    ::1:51236              ::1:8001               2356425054601002  TCP_RCV  1024",
  "14:03:08 7711    perf_analyzer    [fe80::1ff:fe23:4567:890a%eth0]:51240 [2001:db8:85a3::8a2e:370:7334]:8001 2356425054701002  TCP_SEND 64",
  "14:03:08 7711    perf_analyzer    ::ffff:10.1.2.3:51250  2001:0db8:0000:0000:0000:ff00:0042:8329:8001 2356425054801002 TCP_SEND 64",
  `14:03:09 ${HOSTNAME} sent to 10.20.30.40 from ${USER}@${HOSTNAME}.lab.example.org: not an event line`,
  "Lost 3 events",
  ""
].join("\n");

describe("redaction", () => {
  let dir: string;
  let logFile: string;

  before(async () => {
    dir = join(await tempDir("inferscope-redact-"), "home", USER, `${HOSTNAME}-traces`);
    await mkdir(dir, {recursive: true});
    logFile = join(dir, "net.log");
    await writeFile(logFile, LOG);
  });

  it("the sample log holds addresses, the hostname and a user name (the checks below can fail)", async () => {
    assert.equal(addresses(LOG).length, 11, addresses(LOG).join(" "));
    const root = await tempDir("inferscope-redact-");
    const r = await cli(["import", "bpftrace", logFile], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
    const text = (await storeStrings(root)).join("\n");
    assert.ok(addresses(text).length >= 10, "stored without --redact: the addresses are there");
    assert.ok(nameIn(text, HOSTNAME) && nameIn(text, USER));
  });

  it("import bpftrace --redact stores no address, hostname or user name anywhere", async () => {
    const root = await tempDir("inferscope-redact-");
    const r = await cli(["import", "bpftrace", logFile, "--redact"], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
    const strings = await storeStrings(root);
    const text = strings.join("\n");
    assert.deepEqual(addresses(text), [], "no IPv4 or IPv6 address left");
    assert.ok(!nameIn(text, HOSTNAME), `hostname ${HOSTNAME} gone`);
    assert.ok(!nameIn(text, USER), "user name gone");
    // What stays is usable: consistent placeholders, ports, families, the events themselves.
    const store = await openStore(root);
    try {
      const rows = (await store.connection.runAndReadAll("SELECT saddr, sport, daddr, dport, family, comm, host_name FROM net_events ORDER BY line")).getRowObjectsJS();
      assert.equal(rows.length, 5);
      assert.match(String(rows[0].saddr), /^ip-[0-9a-f]{8}$/);
      assert.equal(rows[0].sport, 8000);
      assert.equal(rows[2].saddr, rows[2].daddr, "::1 on both ends: the same placeholder");
      assert.match(String(rows[2].saddr), /^ip6-[0-9a-f]{8}$/);
      assert.deepEqual(rows.map((x) => x.family), ["ipv4", "ipv4", "ipv6", "ipv6", "ipv6"]);
      assert.match(String(rows[0].host_name), /^host-[0-9a-f]{8}$/);
      const [diag] = (await store.connection.runAndReadAll("SELECT message FROM import_diagnostics WHERE code = 'unparsed_line'")).getRowObjectsJS();
      assert.match(String(diag.message), /user-[0-9a-f]{8}@host-[0-9a-f]{8}/, "the skipped line is quoted, redacted");
    } finally {
      store.close();
    }
  });

  it("import triton --redact: request ids with addresses and hostnames, and the file path, are redacted", async () => {
    const traces = makeTraces(6, {seed: 4, kinds: ["http", "grpc"]});
    traces.flat().forEach((q, i) => (q.requestId = i % 2 ? `${HOSTNAME}-client/10.0.${i}.7:5${i}000` : `req-[2001:db8::${i + 1}]`));
    const [file] = writeCurrent(dir, "trace.json", traces);
    const root = await tempDir("inferscope-redact-");
    const r = await cli(["import", "triton", file, "--redact"], {env: {INFERSCOPE_STORE: root}});
    assert.equal(r.code, 0, r.stderr);
    const text = (await storeStrings(root)).join("\n");
    assert.ok(text.includes("req-[ip6-"), "request ids kept, addresses replaced");
    assert.deepEqual(addresses(text), []);
    assert.ok(!nameIn(text, HOSTNAME) && !nameIn(text, USER));
  });

  it("a host fingerprint keeps CPU, cores and versions but loses its hostname and addresses", () => {
    const r = new Redactor({key});
    const mine = r.host(hostFingerprint());
    assert.ok(!nameIn(JSON.stringify(mine), HOSTNAME));
    assert.equal(mine.host_cpu, hostFingerprint().host_cpu);
    const lab = {...hostFingerprint(), host_name: "lab-gpu-07.cs.example.edu", host_os: "Ubuntu 22.04 (Linux 5.15 x64) on 10.4.0.17 / fd00::17"};
    const out = new Redactor({key, hostnames: [lab.host_name]}).host(lab);
    const text = JSON.stringify(out);
    assert.deepEqual(addresses(text), []);
    assert.ok(!/lab-gpu-07|example\.edu/i.test(text), text);
    assert.match(out.host_name, /^host-[0-9a-f]{8}$/);
    assert.equal(out.host_cores, lab.host_cores);
  });

  it("finds addresses, hostnames and users in free text, and leaves look-alikes alone", () => {
    const r = new Redactor({key, hostnames: ["gpu-node-3.cluster.example.edu"], users: ["bob"]});
    const text = [
      "GET http://carol:pw@triton.lab.internal:8001/v2/models from 10.0.0.5 via grpc://[fd00::5]:8001",
      "ssh dave@login.example.org; /Users/erin/runs; C:\\Users\\frank\\x.json; /home/bob/y",
      "gpu-node-3 and GPU-NODE-3.cluster.example.edu, 2001:db8::1. and ::ffff:192.0.2.1",
      "bob ran it"
    ].join("\n");
    const out = r.text(text);
    assert.deepEqual(addresses(out), [], out);
    for (const word of ["carol", "dave", "erin", "frank", "bob", "gpu-node-3", "triton.lab.internal", "login.example.org", "example.edu"]) assert.ok(!nameIn(out, word), `${word} gone: ${out}`);
    assert.match(out, /http:\/\/user-[0-9a-f]{8}@host-[0-9a-f]{8}:8001\/v2\/models/, "URLs keep scheme, port and path");
    const sameHost = out.match(/host-[0-9a-f]{8}/g)!;
    const node = r.hostname("gpu-node-3");
    assert.equal(sameHost.filter((h) => h === node).length, 2, "short and fully qualified names: one placeholder");
    const keep = "std::vector<Add::Cafe> at 12:30:45 ms; mobilenet_v1.onnx; torch.nn.Conv2d; onnxruntime 1.30.0; Conv_12:0; aa:bb:cc";
    assert.equal(r.text(keep), keep);
  });

  it("placeholders are stable for one key, differ between keys and between values, and ignore how an address is written", () => {
    const a = new Redactor({key});
    const b = new Redactor({key});
    const other = new Redactor({key: Buffer.from("another key")});
    assert.equal(a.ip("10.0.0.5"), b.ip("10.0.0.5"));
    assert.notEqual(a.ip("10.0.0.5"), a.ip("10.0.0.6"));
    assert.notEqual(a.ip("10.0.0.5"), other.ip("10.0.0.5"));
    assert.equal(a.ip("2001:0db8:0000:0000:0000:0000:0000:0001"), a.ip("2001:db8::1"));
    assert.equal(a.text("fe80::1%eth0"), a.text("fe80::1%eth1"));
  });

  it("INFERSCOPE_REDACT=1: the pages' loaders print no address or hostname", async () => {
    const root = await tempDir("inferscope-redact-");
    assert.equal((await cli(["import", "bpftrace", logFile], {env: {INFERSCOPE_STORE: root}})).code, 0);
    const loader = async (name: string, redact: boolean) => {
      const r = await execa("node", ["--import", "tsx", join(PROJECT_ROOT, "src", "data", name)], {cwd: PROJECT_ROOT, env: {INFERSCOPE_STORE: root, ...(redact ? {INFERSCOPE_REDACT: "1"} : {})}, encoding: "buffer"});
      const table = tableFromIPC(r.stdout as Uint8Array);
      return JSON.stringify(table.toArray(), (_, v) => (typeof v === "bigint" ? Number(v) : v));
    };
    const plain = await loader("net-events.arrow.ts", false);
    assert.ok(addresses(plain).length > 0 && nameIn(plain, HOSTNAME), "the loader shows them without the setting");
    for (const name of ["net-events.arrow.ts", "runs.arrow.ts"]) {
      const text = await loader(name, true);
      assert.deepEqual(addresses(text), [], name);
      assert.ok(!nameIn(text, HOSTNAME) && !nameIn(text, USER), `${name}: ${text.slice(0, 300)}`);
    }
  });
});
