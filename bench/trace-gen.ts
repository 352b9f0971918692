// Writes a large Triton trace file in the 2.x layout for the benchmark: one entry per timestamp,
// a header entry per request, entries of concurrently running requests interleaved (as servers that
// write each activity as it happens produce), some gRPC requests and some ensembles with two steps.
// Deterministic (seeded).

import {createWriteStream} from "node:fs";
import {mulberry32 as rng} from "../loaders/common/random.ts";

interface Pending {
  entries: string[];
  next: number;
}

export async function writeBenchTrace(path: string, {requests = 300_000, seed = 7, concurrency = 16} = {}): Promise<{bytes: number; requests: number}> {
  const rand = rng(seed);
  const out = createWriteStream(path, {highWaterMark: 1 << 20});
  let bytes = 0;
  let buffer: string[] = [];
  let first = true;
  const write = async (entry: string) => {
    buffer.push(entry);
    if (buffer.length >= 4096) await flush();
  };
  const flush = async () => {
    if (!buffer.length) return;
    const text = (first ? "[" : ",") + buffer.join(",");
    first = false;
    buffer = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  let id = 0;
  let clock = 2_356_425_054_587_444;
  const ts = (i: number, name: string, ns: number) => `{"id":${i},"timestamps":[{"name":"${name}","ns":${ns}}]}`;
  const model = (i: number, name: string, version: number, requestId: string | null, parent: number | null) =>
    `{"id":${i},"model_name":"${name}","model_version":${version}${requestId ? `,"request_id":"${requestId}"` : ""}${parent ? `,"parent_id":${parent}` : ""}}`;
  const core = (i: number, t: number, list: string[]) => {
    const q = t + 2000 + Math.floor(rand() * 3000);
    const cs = q + 5000 + Math.floor(rand() * 40000);
    const ci = cs + 10000 + Math.floor(rand() * 5000);
    const co = ci + 150000 + Math.floor(rand() * 200000);
    const ce = co + 8000 + Math.floor(rand() * 4000);
    list.push(ts(i, "REQUEST_START", t), ts(i, "QUEUE_START", q), ts(i, "COMPUTE_START", cs), ts(i, "COMPUTE_INPUT_END", ci), ts(i, "COMPUTE_OUTPUT_START", co), ts(i, "COMPUTE_END", ce));
    const re = ce + 3000 + Math.floor(rand() * 2000);
    list.push(ts(i, "INFER_RESPONSE_COMPLETE", re - 500), ts(i, "REQUEST_END", re));
    return re;
  };
  const makeRequest = (): string[] => {
    const list: string[] = [];
    const root = ++id;
    clock += 20000 + Math.floor(rand() * 20000);
    const grpc = rand() < 0.2;
    const [rs, rd, ss, sd] = grpc ? ["GRPC_WAITREAD_START", "GRPC_WAITREAD_END", "GRPC_SEND_START", "GRPC_SEND_END"] : ["HTTP_RECV_START", "HTTP_RECV_END", "HTTP_SEND_START", "HTTP_SEND_END"];
    const start = clock;
    const recvEnd = start + 30000 + Math.floor(rand() * 20000);
    list.push(ts(root, rs, start), ts(root, rd, recvEnd));
    let end: number;
    if (rand() < 0.05) {
      // ensemble with two steps
      list.push(model(root, "ensemble_pipeline", 1, `req-${root}`, null));
      const t0 = recvEnd + 10000;
      list.push(ts(root, "REQUEST_START", t0));
      const a = ++id;
      list.push(model(a, "preprocess", 1, null, root));
      const aEnd = core(a, t0 + 5000, list);
      const b = ++id;
      list.push(model(b, "resnet50_onnx", 1, null, root));
      const bEnd = core(b, aEnd + 5000, list);
      end = bEnd + 8000;
      list.push(ts(root, "REQUEST_END", end));
    } else {
      list.push(model(root, "resnet50_onnx", 1, `req-${root}`, null));
      end = core(root, recvEnd + 10000 + Math.floor(rand() * 5000), list);
    }
    const sendStart = end + 20000 + Math.floor(rand() * 10000);
    list.push(ts(root, ss, sendStart), ts(root, sd, sendStart + 15000 + Math.floor(rand() * 10000)));
    return list;
  };
  const inflight: Pending[] = [];
  let made = 0;
  while (made < requests || inflight.length) {
    while (inflight.length < concurrency && made < requests) {
      inflight.push({entries: makeRequest(), next: 0});
      made++;
    }
    const k = Math.floor(rand() * inflight.length);
    const p = inflight[k];
    await write(p.entries[p.next++]);
    if (p.next === p.entries.length) inflight.splice(k, 1);
  }
  await flush();
  const closing = first ? "[]" : "]";
  bytes += closing.length;
  out.write(closing);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return {bytes, requests: made};
}
