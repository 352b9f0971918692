// A KServe v2 / Triton HTTP client for the load generator: reads the model's metadata and config to
// build inputs, reads Triton's statistics, and sends inference requests with per-request timing.
// node:http (not fetch) because the send/receive split needs to know when the body left and when the
// response began: client send = start -> request body flushed, client receive = first response byte -> body read.

import http from "node:http";
import {UserError} from "../common/errors.ts";
import {mulberry32} from "../common/random.ts";
import {DATATYPES, HEADER_LENGTH, isDatatype, type ModelMetadata, type ModelStats} from "../serve/protocol.ts";

const now = () => process.hrtime.bigint();

export interface Timing {
  start: bigint;
  sendEnd: bigint;
  recvStart: bigint;
  end: bigint;
  status: number;
  error?: string;
  /** The response body and headers, when asked for (`infer(p, {keepBody: true})`). */
  body?: Buffer;
  headers?: http.IncomingHttpHeaders;
}

export interface PreparedRequest {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

export class KServeClient {
  readonly agent: http.Agent;
  private readonly base: URL;

  constructor(
    url: string,
    {maxSockets = 256}: {maxSockets?: number} = {}
  ) {
    try {
      this.base = new URL(url);
    } catch {
      throw new UserError(`--url: ${JSON.stringify(url)} is not a URL`, {hint: "e.g. --url http://127.0.0.1:8000"});
    }
    if (this.base.protocol !== "http:") throw new UserError(`--url: only http:// is supported, got ${this.base.protocol}`);
    this.agent = new http.Agent({keepAlive: true, maxSockets, keepAliveMsecs: 30_000});
  }

  /** One request, body fully read. */
  request(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{status: number; headers: http.IncomingHttpHeaders; body: Buffer}> {
    return new Promise((resolve, reject) => {
      const req = http.request({host: this.base.hostname, port: this.base.port || 80, path, method, agent: this.agent, headers: {...headers, ...(body ? {"content-length": String(body.length)} : {})}}, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks)}));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async getJson<T>(path: string): Promise<T> {
    let r;
    try {
      r = await this.request("GET", path);
    } catch (error) {
      throw new UserError(`cannot reach ${this.base.origin}${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {hint: "Is the server running? Start one with `inferscope serve --model tiny_cnn --port 8000`."});
    }
    if (r.status !== 200) {
      let msg = r.body.toString("utf8");
      try {
        msg = (JSON.parse(msg) as {error?: string}).error ?? msg;
      } catch {}
      throw new UserError(`${this.base.origin}${path} answered ${r.status}: ${msg.slice(0, 200)}`);
    }
    return (r.body.length ? JSON.parse(r.body.toString("utf8")) : {}) as T;
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.request("GET", "/v2/health/ready")).status === 200;
    } catch {
      return false;
    }
  }

  /** Statistics of `model`, or null when the server has no statistics extension. */
  async modelStats(model: string): Promise<ModelStats | null> {
    try {
      const r = await this.request("GET", `/v2/models/${encodeURIComponent(model)}/stats`);
      if (r.status !== 200) return null;
      const body = JSON.parse(r.body.toString("utf8")) as {model_stats?: ModelStats[]};
      return body.model_stats?.find((s) => s.name === model) ?? body.model_stats?.[0] ?? null;
    } catch {
      return null;
    }
  }

  /** Send one prepared inference; never throws (errors are in the timing). */
  infer(p: PreparedRequest, {keepBody = false}: {keepBody?: boolean} = {}): Promise<Timing> {
    return new Promise((resolve) => {
      const start = now();
      let sendEnd = 0n;
      let recvStart = 0n;
      let settled = false;
      const done = (status: number, error?: string, body?: Buffer, headers?: http.IncomingHttpHeaders) => {
        if (settled) return;
        settled = true;
        const end = now();
        resolve({start, sendEnd: sendEnd || end, recvStart: recvStart || end, end, status, error, ...(keepBody ? {body, headers} : {})});
      };
      const req = http.request({host: this.base.hostname, port: this.base.port || 80, path: p.path, method: "POST", agent: this.agent, headers: {...p.headers, "content-length": String(p.body.length)}}, (res) => {
        recvStart = now();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          if (res.statusCode !== 200 || keepBody) chunks.push(c);
        });
        res.on("end", () => {
          if (res.statusCode === 200) done(200, undefined, Buffer.concat(chunks), res.headers);
          else {
            let msg = Buffer.concat(chunks).toString("utf8");
            try {
              msg = (JSON.parse(msg) as {error?: string}).error ?? msg;
            } catch {}
            done(res.statusCode ?? 0, msg.slice(0, 300));
          }
        });
        res.on("error", (e) => done(0, e.message));
      });
      req.on("finish", () => {
        sendEnd = now();
      });
      req.on("error", (e) => done(0, (e as NodeJS.ErrnoException).code ?? e.message));
      req.end(p.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface ModelConfigLite {
  max_batch_size?: number;
}

/**
 * The inference request perf_analyzer would send: every input with random data of the model's
 * datatype at `batch` (the batch dimension prepended when max_batch_size > 0), as binary tensors
 * (or JSON with binary=false), outputs asked for in the same form.
 */
export function prepareRequest(meta: ModelMetadata, config: ModelConfigLite, batch: number, {binary = true, seed = 1}: {binary?: boolean; seed?: number} = {}): PreparedRequest {
  const maxBatch = config.max_batch_size ?? 0;
  if (maxBatch === 0 && batch !== 1) throw new UserError(`--batch ${batch}: model '${meta.name}' does not batch (max_batch_size 0); use --batch 1`);
  if (maxBatch > 0 && batch > maxBatch) throw new UserError(`--batch ${batch} is larger than model '${meta.name}''s max_batch_size ${maxBatch}`, {hint: `Use --batch ${maxBatch} or less, or start the server with a larger --max-batch.`});
  const random = mulberry32(seed);
  const parts: Buffer[] = [];
  const inputs = meta.inputs.map((t) => {
    if (!isDatatype(t.datatype)) throw new UserError(`input '${t.name}' has datatype ${t.datatype}, which the load generator cannot generate`);
    const dims = maxBatch > 0 ? t.shape.slice(1) : t.shape;
    if (dims.some((d) => d < 0)) throw new UserError(`input '${t.name}' has a variable dimension besides the batch (${JSON.stringify(t.shape)}); the load generator needs fixed shapes`);
    const shape = maxBatch > 0 ? [batch, ...dims] : dims;
    const count = shape.reduce((a, b) => a * b, 1);
    const dt = t.datatype;
    const bytes = Buffer.alloc(count * DATATYPES[dt].bytes);
    const json: (number | boolean)[] = [];
    for (let i = 0; i < count; i++) {
      const r = random();
      if (dt === "FP32") bytes.writeFloatLE(r, i * 4);
      else if (dt === "FP64") bytes.writeDoubleLE(r, i * 8);
      else if (dt === "BOOL" || dt === "UINT8") bytes[i] = r < 0.5 ? 0 : 1;
      // Other integer types: zeros, as perf_analyzer's default for non-float inputs is not meaningful either.
      if (!binary) json.push(dt === "BOOL" ? bytes[i] !== 0 : dt === "FP32" ? bytes.readFloatLE(i * 4) : dt === "FP64" ? bytes.readDoubleLE(i * 8) : dt === "UINT8" ? bytes[i] : 0);
    }
    if (binary) {
      parts.push(bytes);
      return {name: t.name, shape, datatype: dt, parameters: {binary_data_size: bytes.length}};
    }
    return {name: t.name, shape, datatype: dt, data: json};
  });
  const outputs = meta.outputs.map((o) => ({name: o.name, parameters: {binary_data: binary}}));
  const header = Buffer.from(JSON.stringify({inputs, outputs}));
  const path = `/v2/models/${encodeURIComponent(meta.name)}/infer`;
  if (!binary) return {path, body: header, headers: {"content-type": "application/json"}};
  return {path, body: Buffer.concat([header, ...parts]), headers: {"content-type": "application/octet-stream", [HEADER_LENGTH]: String(header.length)}};
}

/**
 * Check one inference response against the model's metadata: every output there, with the batch
 * asked for, and as many elements as its shape says (JSON `data` or `binary_data_size`). Returns
 * what is wrong, or null. The load generator checks its first request this way, so a server that
 * answers 200 with the wrong thing is caught before it is measured.
 */
export function checkInferResponse(meta: ModelMetadata, batch: number | null, body: Buffer, headers: http.IncomingHttpHeaders): string | null {
  const declared = headers[HEADER_LENGTH.toLowerCase()];
  const headerLength = declared === undefined ? body.length : Number(declared);
  if (!Number.isInteger(headerLength) || headerLength < 0 || headerLength > body.length) return `${HEADER_LENGTH} ${String(declared)} does not fit a ${body.length}-byte response`;
  let parsed: {outputs?: {name?: string; shape?: number[]; datatype?: string; data?: unknown[]; parameters?: {binary_data_size?: number}}[]};
  try {
    parsed = JSON.parse(body.toString("utf8", 0, headerLength));
  } catch (error) {
    return `the response is not JSON: ${(error as Error).message}`;
  }
  let binaryBytes = 0;
  for (const o of meta.outputs) {
    const got = parsed.outputs?.find((x) => x.name === o.name);
    if (!got) return `output '${o.name}' is missing from the response`;
    if (!Array.isArray(got.shape)) return `output '${o.name}' has no shape`;
    if (batch !== null && got.shape[0] !== batch) return `output '${o.name}' has batch ${got.shape[0]}, expected ${batch}`;
    const count = got.shape.reduce((a, b) => a * b, 1);
    const size = got.parameters?.binary_data_size;
    if (size !== undefined) {
      const width = isDatatype(o.datatype) ? DATATYPES[o.datatype].bytes : null;
      if (width !== null && size !== count * width) return `output '${o.name}': binary_data_size ${size} for shape ${JSON.stringify(got.shape)} of ${o.datatype} (expected ${count * width})`;
      binaryBytes += size;
    } else if (!Array.isArray(got.data) || got.data.length !== count) {
      return `output '${o.name}': ${Array.isArray(got.data) ? got.data.length : "no"} data elements for shape ${JSON.stringify(got.shape)}`;
    }
  }
  if (headerLength + binaryBytes !== body.length) return `the response has ${body.length - headerLength} binary bytes after its JSON header, the outputs declare ${binaryBytes}`;
  return null;
}
