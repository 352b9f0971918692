// Test helper: writes Triton trace files byte for byte the way the servers do (see
// loaders/formats/triton-trace/names.ts for the sources), from a seeded set of requests, and computes
// the expected trace_summary.py averages independently of inferscope's code (BigInt sums).

import {writeFileSync} from "node:fs";
import {join} from "node:path";

export interface Req {
  id: number;
  model: string;
  version: number;
  requestId?: string;
  parentId?: number;
  /** Timestamps in call order: [2.x name, ns]. */
  ts: [string, bigint][];
  /** Raw TENSOR_* entries (2.x), already serialized the way TraceTensorActivity writes them. */
  tensors?: string[];
}

/** One sampled trace: the top-level request first, then its children. */
export type Trace = Req[];

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Kind = "http" | "grpc" | "capi" | "ensemble" | "bls";

/** Seeded traces of several kinds. `base` is the first ns (steady clock). */
export function makeTraces(n: number, {seed = 1, base = 2_356_425_054_587_444n, kinds = ["http", "grpc", "capi", "ensemble", "bls"] as Kind[], model = "resnet50"} = {}): Trace[] {
  const rand = rng(seed);
  const r = (lo: number, hi: number) => BigInt(lo + Math.floor(rand() * (hi - lo)));
  let id = 0;
  let clock = base;
  const core = (req: Req, t: bigint, withBreakdown = true): bigint => {
    const q = t + r(1000, 5000);
    const cs = q + r(2000, 60000);
    const ci = cs + r(5000, 20000);
    const co = ci + r(100000, 400000);
    const ce = co + r(3000, 9000);
    const re = ce + r(1000, 4000);
    req.ts.push(["REQUEST_START", t], ["QUEUE_START", q], ["COMPUTE_START", cs]);
    if (withBreakdown) req.ts.push(["COMPUTE_INPUT_END", ci], ["COMPUTE_OUTPUT_START", co]);
    req.ts.push(["COMPUTE_END", ce], ["INFER_RESPONSE_COMPLETE", re - 500n], ["REQUEST_END", re]);
    return re;
  };
  const traces: Trace[] = [];
  for (let k = 0; k < n; k++) {
    const kind = kinds[k % kinds.length];
    clock += r(50000, 150000);
    const root: Req = {id: ++id, model, version: 1, ts: [], requestId: rand() < 0.5 ? `req-${k}` : undefined};
    const trace: Trace = [root];
    const fe = kind === "grpc" ? ["GRPC_WAITREAD_START", "GRPC_WAITREAD_END", "GRPC_SEND_START", "GRPC_SEND_END"] : ["HTTP_RECV_START", "HTTP_RECV_END", "HTTP_SEND_START", "HTTP_SEND_END"];
    let t = clock;
    if (kind !== "capi") {
      root.ts.push([fe[0], t], [fe[1], t + r(20000, 60000)]);
      t = root.ts[1][1] + r(5000, 15000);
    }
    let end: bigint;
    if (kind === "ensemble") {
      root.model = "pipeline";
      root.ts.push(["REQUEST_START", t]);
      const a: Req = {id: ++id, model: "preprocess", version: 2, parentId: root.id, ts: []};
      const aEnd = core(a, t + r(2000, 5000), false);
      const b: Req = {id: ++id, model, version: 1, parentId: root.id, ts: []};
      const bEnd = core(b, aEnd + r(2000, 5000));
      end = bEnd + r(3000, 8000);
      root.ts.push(["REQUEST_END", end]);
      trace.push(a, b);
    } else if (kind === "bls") {
      root.model = "bls_driver";
      const inner: Req = {id: ++id, model, version: 1, parentId: root.id, ts: []};
      end = core(root, t);
      // The BLS call happens inside the driver's compute.
      const cs = root.ts.find(([nm]) => nm === "COMPUTE_START")![1];
      core(inner, cs + 1000n);
      trace.push(inner);
    } else {
      end = core(root, t);
    }
    if (kind !== "capi") root.ts.push([fe[2], end + r(10000, 30000)], [fe[3], end + r(40000, 60000)]);
    traces.push(trace);
  }
  return traces;
}

const header = (q: Req) => `{"id":${q.id},"model_name":"${q.model}","model_version":${q.version}${q.requestId ? `,"request_id":"${q.requestId}"` : ""}${q.parentId ? `,"parent_id":${q.parentId}` : ""}}`;
const stamp = (id: number, name: string, ns: bigint) => `{"id":${id},"timestamps":[{"name":"${name}","ns":${ns}}]}`;

/** A request's 2.x stream in call order: frontend receive, header + REQUEST_START, ..., frontend send. */
export function stream2x(q: Req): string[] {
  const out: string[] = [];
  for (const [name, ns] of q.ts) {
    if (name === "REQUEST_START") out.push(header(q));
    out.push(stamp(q.id, name, ns));
  }
  for (const t of q.tensors ?? []) out.splice(out.length - 1, 0, t);
  return out;
}

/**
 * The current writer (src/tracer.cc WriteTrace/SaveTraces): each trace writes its per-id streams
 * together, in unordered_map order (shuffled here); with log frequency L, every L traces go to
 * <file>.<index>, each a complete array; without, one array in <file>, closed when the server exits.
 */
export function writeCurrent(dir: string, name: string, traces: Trace[], {logFrequency = 0, seed = 3} = {}): string[] {
  const rand = rng(seed);
  const traceText = (t: Trace) => {
    const streams = t.map((q) => stream2x(q).join(","));
    for (let i = streams.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [streams[i], streams[j]] = [streams[j], streams[i]];
    }
    return streams.join(",");
  };
  if (!logFrequency) {
    const path = join(dir, name);
    writeFileSync(path, `[${traces.map(traceText).join(",")}]`);
    return [path];
  }
  const paths: string[] = [];
  for (let i = 0; i * logFrequency < traces.length; i++) {
    const path = join(dir, `${name}.${i}`);
    writeFileSync(path, `[${traces.slice(i * logFrequency, (i + 1) * logFrequency).map(traceText).join(",")}]`);
    paths.push(path);
  }
  return paths;
}

/** Older 2.x servers wrote every activity as it happened: entries of concurrent requests interleave. */
export function writeInterleaved(dir: string, name: string, traces: Trace[]): string {
  const all: {ns: bigint; seq: number; text: string}[] = [];
  let seq = 0;
  for (const t of traces) {
    for (const q of t) {
      let last = q.ts[0][1];
      for (const text of stream2x(q)) {
        const m = /"ns":(\d+)/.exec(text);
        if (m) last = BigInt(m[1]);
        all.push({ns: last, seq: seq++, text});
      }
    }
  }
  all.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.seq - b.seq));
  const path = join(dir, name);
  writeFileSync(path, `[${all.map((e) => e.text).join(",")}]`);
  return path;
}

const LOWER: Record<string, string> = {
  HTTP_RECV_START: "http recv start",
  HTTP_RECV_END: "http recv end",
  HTTP_SEND_START: "http send start",
  HTTP_SEND_END: "http send end",
  GRPC_WAITREAD_START: "grpc wait/read start",
  GRPC_WAITREAD_END: "grpc wait/read end",
  GRPC_SEND_START: "grpc send start",
  GRPC_SEND_END: "grpc send end",
  REQUEST_START: "request handler start",
  QUEUE_START: "queue start",
  COMPUTE_START: "compute start",
  COMPUTE_INPUT_END: "compute input end",
  COMPUTE_OUTPUT_START: "compute output start",
  COMPUTE_END: "compute end",
  REQUEST_END: "request handler end"
};

/**
 * 1.x (TRTIS src/servers/tracer.cc ~Tracer): `{ "timestamps": [...], "model_name": "m", "model_version": v }`
 * with ", \"id\":N" and ", \"parent_id\":N" only on derived (ensemble step) tracers. `legacy` uses the
 * earliest names, "http infer start"/"http infer end" in place of recv/send.
 */
export function write1x(dir: string, name: string, traces: Trace[], {legacy = false} = {}): string {
  const objs: string[] = [];
  for (const t of traces) {
    for (const q of t) {
      let stamps = q.ts.filter(([n]) => n in LOWER).map(([n, ns]) => [LOWER[n], ns] as [string, bigint]);
      if (legacy) {
        stamps = stamps
          .filter(([n]) => !/recv end|send start|wait\/read end/.test(n))
          .map(([n, ns]) => [n.replace(/^(http|grpc) (recv|wait\/read) start$/, "$1 infer start").replace(/^(http|grpc) send end$/, "$1 infer end"), ns] as [string, bigint]);
      }
      const body = stamps.map(([n, ns], i) => `${i ? "," : ""}{"name":"${n}", "ns":${ns}}`).join("");
      let s = `{ "timestamps": [${body}], "model_name": "${q.model}", "model_version": ${q.version}`;
      if (q.parentId) s += `, "id":${q.id}, "parent_id":${q.parentId}`;
      objs.push(`${s} }`);
    }
  }
  const path = join(dir, name);
  writeFileSync(path, `[${objs.join(",")}]`);
  return path;
}

export interface Expected {
  count: number;
  mean_us: Record<string, number | null>;
  /** Every value per interval, in ns, for percentiles. */
  values: Record<string, number[]>;
}

/**
 * trace_summary.py's averages, computed here from the requests (not from any file), keyed
 * "model|version|frontend". `legacy1x` applies the earliest 1.x definitions.
 */
export function expectedSummary(traces: Trace[], {legacy1x = false, ownFrontend = false} = {}): Map<string, Expected> {
  const groups = new Map<string, {count: number; sums: Record<string, bigint>; values: Record<string, number[]>}>();
  for (const t of traces) {
    const rootMap = new Map(t[0].ts);
    const rootFrontend = rootMap.has("HTTP_RECV_START") ? "http" : rootMap.has("GRPC_WAITREAD_START") ? "grpc" : "";
    for (const q of t) {
      const m = new Map(q.ts);
      if (!m.has("REQUEST_START") || !m.has("REQUEST_END")) continue;
      const own = m.has("HTTP_RECV_START") ? "http" : m.has("GRPC_WAITREAD_START") ? "grpc" : "";
      const fe = ownFrontend ? own : rootFrontend;
      const key = `${q.model}|${q.version}|${fe}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = {count: 0, sums: {}, values: {}}));
      g.count++;
      const add = (name: string, a: string, b: string) => {
        const d = m.get(b)! - m.get(a)!;
        g!.sums[name] = (g!.sums[name] ?? 0n) + d;
        (g!.values[name] ??= []).push(Number(d));
        return d;
      };
      const rs = own === "grpc" ? "GRPC_WAITREAD_START" : "HTTP_RECV_START";
      const re = own === "grpc" ? "GRPC_WAITREAD_END" : "HTTP_RECV_END";
      const ss = own === "grpc" ? "GRPC_SEND_START" : "HTTP_SEND_START";
      const se = own === "grpc" ? "GRPC_SEND_END" : "HTTP_SEND_END";
      let infer: bigint | null = null;
      let recv = 0n;
      let send = 0n;
      if (own && legacy1x) {
        infer = add("infer", rs, se);
        recv = add("receive", rs, "REQUEST_START");
        send = add("send", "COMPUTE_END", se);
      } else if (own) {
        infer = add("infer", rs, se);
        recv = add("receive", rs, re);
        send = add("send", ss, se);
      }
      const request = add("request", "REQUEST_START", "REQUEST_END");
      let queue: bigint | null = null;
      let compute: bigint | null = null;
      if (m.has("QUEUE_START") && m.has("COMPUTE_START")) queue = add("queue", "QUEUE_START", "COMPUTE_START");
      if (m.has("COMPUTE_START") && m.has("COMPUTE_END")) compute = add("compute", "COMPUTE_START", "COMPUTE_END");
      if (m.has("COMPUTE_INPUT_END") && m.has("COMPUTE_OUTPUT_START")) {
        add("compute_input", "COMPUTE_START", "COMPUTE_INPUT_END");
        add("compute_infer", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START");
        add("compute_output", "COMPUTE_OUTPUT_START", "COMPUTE_END");
      }
      if (infer !== null) (g.values.frontend_overhead ??= []).push(Number(infer - request - recv - send));
      if (queue !== null && compute !== null) (g.values.handler_overhead ??= []).push(Number(request - queue - compute));
    }
  }
  const out = new Map<string, Expected>();
  for (const [key, g] of groups) {
    const d = g.count * 1000;
    const mean = (k: string) => (k in g.sums ? Number(g.sums[k]) / d : null);
    const s = (k: string) => g.sums[k] ?? 0n;
    const mean_us: Record<string, number | null> = {};
    for (const k of ["infer", "receive", "send", "request", "queue", "compute", "compute_input", "compute_infer", "compute_output"]) mean_us[k] = mean(k);
    mean_us.frontend_overhead = "infer" in g.sums ? Number(s("infer") - s("request") - s("receive") - s("send")) / d : null;
    mean_us.handler_overhead = "queue" in g.sums && "compute" in g.sums ? Number(s("request") - s("queue") - s("compute")) / d : null;
    out.set(key, {count: g.count, mean_us, values: g.values});
  }
  return out;
}

/** numpy.percentile's default (linear) on unsorted values. */
export function npPercentile(values: number[], p: number): number {
  const a = [...values].sort((x, y) => x - y);
  const pos = ((a.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}
