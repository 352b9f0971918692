// The reference KServe v2 / Triton HTTP server on onnxruntime-node: health, server and model
// metadata, model configuration, infer (JSON and binary tensors), Triton's statistics and trace
// extensions. Node's own http server; the model runs in worker threads (instances.ts) behind the
// dynamic batcher (scheduler.ts); sampled requests are traced in Triton's format (trace.ts).
//
// Timestamps of one HTTP inference request, in the order they are taken (Triton's names):
//   HTTP_RECV_START   the request's headers have arrived (node's 'request' event)
//   HTTP_RECV_END     the whole body has been read
//   REQUEST_START     the JSON has been parsed and the inputs checked: the request enters the core
//   QUEUE_START       it joins the scheduler's queue
//   COMPUTE_START     its batch is formed; the inputs are joined and handed to an instance
//   COMPUTE_INPUT_END the instance has its input tensors (worker thread)
//   COMPUTE_OUTPUT_START the session has returned (worker thread)
//   COMPUTE_END       the outputs are back and split per request
//   INFER_RESPONSE_COMPLETE the response body is built
//   REQUEST_END       the request leaves the core (statistics are counted here)
//   HTTP_SEND_START   the response is handed to the socket
//   HTTP_SEND_END     node has flushed it to the kernel ('finish')

import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import type {BatchPolicy} from "./batcher.ts";
import {parseInferRequest} from "./infer-request.ts";
import {encodeInferResponse} from "./infer-response.ts";
import {startInstances, type Instance} from "./instances.ts";
import {checkModel, configOf, metadataOf, modelDef, type ModelDef} from "./model.ts";
import {HEADER_LENGTH, ProtocolError} from "./protocol.ts";
import {Scheduler} from "./scheduler.ts";
import {ModelStatistics} from "./statistics.ts";
import {Tracer, type TraceSettings} from "./trace.ts";

const now = () => process.hrtime.bigint();

export interface ServeOptions {
  /** Name the model is served under. */
  model: string;
  modelFile: string;
  port: number;
  host?: string;
  instances?: number;
  /** ORT intra-op threads per instance. */
  threads?: number;
  maxBatch?: number;
  preferred?: number[];
  maxQueueDelayUs?: number;
  dynamicBatching?: boolean;
  trace?: Partial<TraceSettings>;
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  def: ModelDef;
  tracer: Tracer;
  stats: ModelStatistics;
  /** Stop accepting, finish the requests in flight, close the trace file, stop the instances. Returns the trace files written. */
  close(): Promise<string[]>;
}

const EXTENSIONS = ["binary_tensor_data", "statistics", "trace", "model_configuration"];
const VERSION = "0.1.0";

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {"content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...extra});
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown, extra: Record<string, string> = {}): void {
  const status = error instanceof ProtocolError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, {error: message}, extra);
}

/**
 * Read the body, at most `limit` bytes. Past it, drain up to 4x and answer 413, so a keep-alive connection
 * stays usable; a body declared (or grown) beyond 4x is not read at all: the 413 goes out at once with
 * `Connection: close` (see `answerEarly`), since draining it would cost more than a new connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (Number.isFinite(declared) && declared > limit * 4) {
      reject(new ProtocolError(413, `request body of ${declared} bytes is larger than the server's limit of ${limit} bytes (--max-body-bytes)`, {close: true}));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (size > limit * 4) {
        req.off("data", onData);
        req.pause();
        reject(new ProtocolError(413, `request body is larger than the server's limit of ${limit} bytes (--max-body-bytes): more than ${size} bytes sent`, {close: true}));
        return;
      }
      if (!over) chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (over) reject(new ProtocolError(413, `request body of ${size} bytes is larger than the server's limit of ${limit} bytes (--max-body-bytes)`));
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on("error", reject);
  });
}

/**
 * Answer before the body is read, then close the connection. The rest of the body is read and thrown away
 * (for at most a few seconds) before the socket closes: closing with unread bytes makes the kernel send a
 * reset, which can reach the client before it has read the answer.
 */
function answerEarly(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  res.shouldKeepAlive = false;
  sendError(res, error, {connection: "close"});
  req.resume();
  const linger = setTimeout(() => req.socket.destroy(), 5000);
  linger.unref();
  req.socket.once("close", () => clearTimeout(linger));
}

// /v2/models/<m>[/versions/<v>][/<action>]
const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(infer|ready|config|stats|trace\/setting))?\/?$/;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const instancesWanted = Math.max(1, opts.instances ?? 1);
  const {instances, inputs, outputs} = await startInstances({modelFile: opts.modelFile, instances: instancesWanted, threads: opts.threads ?? 1});
  const def = modelDef(opts.model, inputs, outputs, opts.maxBatch ?? 8);
  const preferred = (opts.preferred ?? []).filter((p) => p >= 1 && p <= Math.max(1, def.maxBatchSize));
  const dynamic = opts.dynamicBatching ?? true;
  const policy: BatchPolicy = {dynamic: dynamic && def.maxBatchSize > 1, maxBatchSize: Math.max(1, def.maxBatchSize), preferred, maxQueueDelayNs: BigInt(Math.round((opts.maxQueueDelayUs ?? 0) * 1000))};
  const stats = new ModelStatistics(def.name, def.version);
  const scheduler = new Scheduler(def, instances, policy, stats);
  const tracer = new Tracer(opts.trace);
  const maxBody = opts.maxBodyBytes ?? 64 << 20;
  const config = configOf(def, {dynamicBatching: policy.dynamic, preferred, maxQueueDelayUs: opts.maxQueueDelayUs ?? 0, instances: instances.length});
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  async function infer(req: IncomingMessage, res: ServerResponse, name: string, version: string | undefined, recvStart: bigint): Promise<void> {
    checkModel(def, name, version);
    const trace = tracer.sampleRequest();
    trace?.stamp("HTTP_RECV_START", recvStart);
    let reachedCore: bigint | null = null;
    try {
      const body = await readBody(req, maxBody);
      const recvEnd = now();
      trace?.stamp("HTTP_RECV_END", recvEnd);
      reachedCore = recvEnd;
      const parsed = parseInferRequest(body, req.headers[HEADER_LENGTH] as string | undefined, def);
      const requestStart = now();
      trace?.header(def.name, def.version, parsed.id);
      trace?.stamp("REQUEST_START", requestStart);
      const {queueStart, done} = scheduler.enqueue(parsed);
      trace?.stamp("QUEUE_START", queueStart);
      const {outputs: outs, times} = await done;
      trace?.stamp("COMPUTE_START", times.computeStart);
      trace?.stamp("COMPUTE_INPUT_END", times.computeInputEnd);
      trace?.stamp("COMPUTE_OUTPUT_START", times.computeOutputStart);
      trace?.stamp("COMPUTE_END", times.computeEnd);
      const encoded = encodeInferResponse(def.name, def.version, parsed.id, parsed.outputs, outs);
      trace?.stamp("INFER_RESPONSE_COMPLETE", now());
      const requestEnd = now();
      trace?.stamp("REQUEST_END", requestEnd);
      stats.success({requestStart, queueStart, computeStart: times.computeStart, computeInputEnd: times.computeInputEnd, computeOutputStart: times.computeOutputStart, computeEnd: times.computeEnd, requestEnd}, parsed.batch);
      const sendStart = now();
      trace?.stamp("HTTP_SEND_START", sendStart);
      res.writeHead(200, {...encoded.headers, "content-length": String(encoded.body.length)});
      await new Promise<void>((resolve) => res.end(encoded.body, () => resolve()));
      trace?.stamp("HTTP_SEND_END", now());
      trace?.release();
    } catch (error) {
      if (reachedCore !== null && error instanceof ProtocolError) stats.failure(reachedCore, now());
      // A request rejected before it reached the model has no header (no model, no request id): written out,
      // it would be a headless fragment that the importer and trace_summary.py cannot attribute.
      if (trace?.reachedModel) trace.release();
      throw error;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, recvStart: bigint): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    const method = req.method ?? "GET";
    const needs = (m: string) => {
      if (method !== m) throw new ProtocolError(405, `${method} is not allowed on ${path}; use ${m}`);
    };
    if (path === "/v2" || path === "/v2/") {
      needs("GET");
      return sendJson(res, 200, {name: "inferscope", version: VERSION, extensions: EXTENSIONS});
    }
    if (path === "/v2/health/live" || path === "/v2/health/ready") {
      needs("GET");
      res.writeHead(200, {"content-length": "0"});
      res.end();
      return;
    }
    if (path === "/v2/models/stats") {
      needs("GET");
      return sendJson(res, 200, {model_stats: [stats.snapshot()]});
    }
    if (path === "/v2/trace/setting") return traceSetting(req, res, method);
    if (path === "/v2/repository/index") {
      needs("POST");
      await readBody(req, maxBody);
      return sendJson(res, 200, [{name: def.name, version: def.version, state: "READY"}]);
    }
    const m = MODEL_PATH.exec(path);
    if (!m) throw new ProtocolError(404, `Not Found: ${path} is not a KServe v2 endpoint of this server`);
    const name = decodeURIComponent(m[1]);
    const version = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const action = m[3];
    if (action === "infer") {
      needs("POST");
      return infer(req, res, name, version, recvStart);
    }
    checkModel(def, name, version);
    if (action === undefined) {
      needs("GET");
      return sendJson(res, 200, metadataOf(def));
    }
    if (action === "ready") {
      needs("GET");
      res.writeHead(200, {"content-length": "0"});
      res.end();
      return;
    }
    if (action === "config") {
      needs("GET");
      return sendJson(res, 200, config);
    }
    if (action === "stats") {
      needs("GET");
      return sendJson(res, 200, {model_stats: [stats.snapshot()]});
    }
    return traceSetting(req, res, method);
  }

  // One model, so the model's trace settings are the server's (Triton keeps a copy per model).
  async function traceSetting(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (method === "GET") return sendJson(res, 200, tracer.view());
    if (method !== "POST") throw new ProtocolError(405, `${method} is not allowed on the trace setting; use GET or POST`);
    const body = await readBody(req, 1 << 20);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8") || "{}");
    } catch (error) {
      throw new ProtocolError(400, `failed to parse the request JSON buffer: ${(error as Error).message}`);
    }
    tracer.update(parsed);
    sendJson(res, 200, tracer.view());
  }

  const server: Server = createServer((req, res) => {
    const recvStart = now();
    active++;
    route(req, res, recvStart)
      .catch((error) => {
        // Answer only once the request body is fully read, so a keep-alive connection stays in step.
        if (error instanceof ProtocolError && error.close && !req.complete && !req.destroyed) answerEarly(req, res, error);
        else if (!req.complete && !req.destroyed) {
          req.resume();
          req.once("end", () => sendError(res, error));
        } else sendError(res, error);
      })
      .finally(() => {
        active--;
        if (active === 0) {
          const w = idleWaiters;
          idleWaiters = [];
          for (const f of w) f();
        }
      });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? "127.0.0.1";
  let closing: Promise<string[]> | null = null;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    def,
    tracer,
    stats,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (active > 0) await Promise.race([new Promise<void>((r) => idleWaiters.push(r)), new Promise((r) => setTimeout(r, 5000))]);
        scheduler.drain("the server is stopping");
        server.closeAllConnections();
        await stopped;
        const files = tracer.close();
        await Promise.all(instances.map((i: Instance) => i.terminate()));
        return files;
      })();
      return closing;
    }
  };
}
