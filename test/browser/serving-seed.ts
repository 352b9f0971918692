// Serving-stack files for the browser test's store, written in the exact layouts the tools write
// (Triton's --trace-file via the unit tests' writer, perf_analyzer's -f CSV, the tcp_sendmsg /
// tcp_recvmsg bpftrace script's text output), then imported with the real CLI by seed.ts.
// Everything is seeded: the same files every time.
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {makeTraces, rng, writeCurrent, type Trace} from "../unit/serving/triton-writer.ts";

/** A model name that is markup: pages must show it as text. */
export const HOSTILE_MODEL = "<img src=x onerror=alert(1)>";

export interface ServingFiles {
  traces: string[];
  perfCsv: string;
  perfModel: string;
  netLog: string;
  requests: number;
}

const BASE = 2_356_425_054_587_444n;

/** Two interleaved streams of traces: resnet50 (with an ensemble and a BLS driver) and the hostile model. */
function traces(): Trace[] {
  const main = makeTraces(150, {seed: 11, base: BASE, model: "resnet50"});
  const other = makeTraces(60, {seed: 12, base: BASE + 37_000n, kinds: ["http", "grpc", "capi"], model: HOSTILE_MODEL});
  // Trace ids are unique within one server run: move the second stream's ids out of the first's way.
  for (const t of other) for (const q of t) {
    q.id += 10_000;
    if (q.parentId) q.parentId += 10_000;
  }
  const first = (t: Trace) => t[0].ts[0][1];
  return [...main, ...other].sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
}

/** perf_analyzer -f: the header with server stats, rows sorted by Inferences/Second, integer microseconds. */
function perfCsv(): string {
  const header = "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency";
  const rand = rng(21);
  const rows = [1, 2, 4, 8, 16].map((c) => {
    // Of the same order as the trace's requests: ~250 us in the model, queueing growing with concurrency.
    const send = 18 + Math.floor(rand() * 8);
    const net = 95 + 12 * c + Math.floor(rand() * 20);
    const queue = c === 1 ? 4 : Math.floor(270 * (c - 1) * 0.8 + rand() * 30);
    const input = 10 + Math.floor(rand() * 5);
    const infer = 240 + Math.floor(rand() * 40);
    const output = 5 + Math.floor(rand() * 3);
    const recv = 7 + Math.floor(rand() * 4);
    const avg = send + net + queue + input + infer + output + recv;
    const ips = Math.round((c / avg) * 1e6 * 10) / 10;
    return {c, ips, cells: [send, net, queue, input, infer, output, recv, Math.round(avg * 0.97), Math.round(avg * 1.15), Math.round(avg * 1.25), Math.round(avg * 1.6)]};
  });
  rows.sort((a, b) => a.ips - b.ips);
  return `${header}\n${rows.map((r) => [r.c, r.ips, ...r.cells].join(",")).join("\n")}\n`;
}

/**
 * The network script's text output, on the same kernel clock as the trace: the server's receive just
 * before each frontend request's RECV_START and its send at SEND_START, and the client's send and
 * receive around them. Header, bpftrace's own line and a "Lost N events" line included.
 */
function netLog(all: Trace[]): string {
  const rand = rng(31);
  const out = ["Attaching 2 probes...", `${"TIME".padEnd(8)} ${"PID".padEnd(7)} ${"COMM".padEnd(16)} ${"SADDR:SPORT".padEnd(22)} ${"DADDR:DPORT".padEnd(22)} ${"TIME".padEnd(17)} EVENT`];
  const events: {ns: bigint; text: (ns: bigint) => string}[] = [];
  const line = (pid: number, comm: string, src: string, dst: string, tag: string, bytes: number) => (ns: bigint) =>
    `14:03:07 ${String(pid).padEnd(7)} ${comm.padEnd(16)} ${src.padEnd(22)} ${dst.padEnd(22)} ${String(ns).padEnd(17)} ${tag} ${bytes}`;
  all.forEach((t, i) => {
    const m = new Map(t[0].ts);
    const recv = m.get("HTTP_RECV_START") ?? m.get("GRPC_WAITREAD_START");
    const send = m.get("HTTP_SEND_START") ?? m.get("GRPC_SEND_START");
    const sendEnd = m.get("HTTP_SEND_END") ?? m.get("GRPC_SEND_END");
    if (recv === undefined || send === undefined || sendEnd === undefined) return;
    const port = m.has("HTTP_RECV_START") ? 8000 : 8001;
    const client = `10.0.0.9:${40000 + (i % 8)}`;
    const server = `10.0.0.5:${port}`;
    const size = 150_000 + Math.floor(rand() * 1000);
    events.push(
      {ns: recv - 9_000n, text: line(7711, "perf_analyzer", client, server, "TCP_SEND", size)},
      {ns: recv - 2_000n, text: line(4121, "tritonserver", server, client, "TCP_RCV", size)},
      {ns: send + 3_000n, text: line(4121, "tritonserver", server, client, "TCP_SEND", 4_200)},
      {ns: sendEnd + 6_000n, text: line(7711, "perf_analyzer", client, server, "TCP_RCV", 4_200)}
    );
  });
  events.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  events.forEach((e, i) => {
    out.push(e.text(e.ns));
    if (i === 40) out.push("Lost 3 events");
  });
  return `${out.join("\n")}\n`;
}

/** Write the three files into `dir`. */
export function writeServingFiles(dir: string): ServingFiles {
  const all = traces();
  // Triton with --trace-log-frequency 100: trace.json.0, trace.json.1, ...
  const tracePaths = writeCurrent(dir, "trace.json", all, {logFrequency: 100, seed: 5});
  const perfPath = join(dir, "perf.csv");
  writeFileSync(perfPath, perfCsv());
  const netPath = join(dir, "net.log");
  writeFileSync(netPath, netLog(all));
  return {traces: tracePaths, perfCsv: perfPath, perfModel: "resnet50", netLog: netPath, requests: all.reduce((n, t) => n + t.length, 0)};
}

/** Write the files into the store's folder and import them with the real CLI (`run` is seed.ts's). */
export async function seedServing(store: string, run: (args: string[], store: string) => Promise<void>): Promise<ServingFiles> {
  const dir = join(store, "serving-files");
  mkdirSync(dir, {recursive: true});
  const files = writeServingFiles(dir);
  await run(["import", "triton", ...files.traces], store);
  await run(["import", "perf-analyzer", files.perfCsv, "--model", files.perfModel], store);
  await run(["import", "bpftrace", files.netLog], store);
  return files;
}
