// The load generator's measurement loop, as perf_analyzer runs it: at each load level (a number of
// outstanding requests, or a request rate) the load runs continuously while windows of --window-ms are
// measured, until the last 3 windows are stable within --stability-pct or --max-windows is reached;
// the step reports the merged last windows. Server-side stages come from the difference of Triton's
// statistics counters before and after those windows.

import {CancelledError, UserError} from "../common/errors.ts";
import type {ModelMetadata, ModelStats} from "../serve/protocol.ts";
import {KServeClient, checkInferResponse, prepareRequest, type ModelConfigLite, type PreparedRequest, type Timing} from "./client.ts";
import {sendSchedule, type Distribution} from "./schedule.ts";
import {STABLE_WINDOWS, isStable, percentile, type WindowSummary} from "./windows.ts";

const now = () => process.hrtime.bigint();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LoadOptions {
  url: string;
  model: string;
  mode: "concurrency" | "request_rate";
  levels: number[];
  batch: number;
  distribution: Distribution;
  windowMs: number;
  maxWindows: number;
  stabilityPct: number;
  /** JSON tensors instead of the binary extension. */
  jsonData?: boolean;
  seed?: number;
  signal?: AbortSignal;
  onWindow?(level: number, index: number, w: MeasuredWindow, stable: boolean): void;
  onStep?(step: StepResult, index: number): void;
  onStepStart?(level: number, index: number): void;
}

/** A measurement window as measured: [from, to) on the process's monotonic clock (the clock of Triton-format traces). */
export interface MeasuredWindow extends WindowSummary {
  from: bigint;
  to: bigint;
}

export interface StepResult {
  mode: "concurrency" | "request_rate";
  concurrency: number | null;
  request_rate: number | null;
  batch: number;
  throughput_infer_per_s: number;
  /** Completed requests per second (inferences / batch). */
  throughput_req_per_s: number;
  p50_us: number;
  p90_us: number;
  p95_us: number;
  p99_us: number;
  avg_us: number;
  client_send_us: number;
  client_recv_us: number;
  /** Server columns: null when the server has no statistics extension. */
  server_queue_us: number | null;
  server_compute_us: number | null;
  server_compute_input_us: number | null;
  server_compute_infer_us: number | null;
  server_compute_output_us: number | null;
  network_server_us: number | null;
  /** Server executions in the merged windows and their mean batch (inference_count / execution_count). */
  server_executions: number | null;
  server_avg_batch: number | null;
  server_requests: number | null;
  requests: number;
  errors: number;
  first_error: string | null;
  windows: number;
  stable: boolean;
  window_ms: number;
  /** Request rate mode: sends that went out more than a millisecond late (the client could not keep up). */
  delayed_sends: number | null;
}

interface Rec {
  end: bigint;
  latency: number;
  send: number;
  recv: number;
  ok: boolean;
}

function diffStats(a: ModelStats | null, b: ModelStats | null) {
  if (!a || !b) return null;
  const d = (k: keyof ModelStats["inference_stats"]) => ({count: b.inference_stats[k].count - a.inference_stats[k].count, ns: b.inference_stats[k].ns - a.inference_stats[k].ns});
  return {
    success: d("success"),
    queue: d("queue"),
    input: d("compute_input"),
    infer: d("compute_infer"),
    output: d("compute_output"),
    executions: b.execution_count - a.execution_count,
    inferences: b.inference_count - a.inference_count
  };
}

export interface ServerModel {
  meta: ModelMetadata;
  config: ModelConfigLite;
}

/** Metadata and configuration of the model, checking the server is up and ready. */
export async function describeModel(client: KServeClient, model: string): Promise<ServerModel> {
  if (!(await client.ready())) throw new UserError(`the server is not ready (GET /v2/health/ready failed)`, {hint: "Is it running at --url? Start one with `inferscope serve --model tiny_cnn --port 8000`."});
  const meta = await client.getJson<ModelMetadata>(`/v2/models/${encodeURIComponent(model)}`);
  let config: ModelConfigLite = {};
  try {
    config = await client.getJson<ModelConfigLite>(`/v2/models/${encodeURIComponent(model)}/config`);
  } catch {
    // No model configuration extension: infer batching from the metadata's first dimension.
    config = {max_batch_size: meta.inputs.every((t) => t.shape[0] === -1) ? 1 : 0};
  }
  return {meta, config};
}

export async function runLoad(opts: LoadOptions): Promise<StepResult[]> {
  const client = new KServeClient(opts.url, {maxSockets: opts.mode === "concurrency" ? Math.max(...opts.levels) : 1024});
  try {
    const {meta, config} = await describeModel(client, opts.model);
    const prepared = prepareRequest(meta, config, opts.batch, {binary: !opts.jsonData, seed: opts.seed ?? 1});
    // One request first: a protocol error is one clear message, not a step full of failures.
    const probe = await client.infer(prepared, {keepBody: true});
    if (probe.status !== 200) throw new UserError(`the server rejected the first inference request (${probe.status}): ${probe.error ?? ""}`);
    const wrong = checkInferResponse(meta, (config.max_batch_size ?? 0) > 0 ? opts.batch : null, probe.body!, probe.headers!);
    if (wrong) throw new UserError(`the server's answer to the first inference request is not what model '${opts.model}''s metadata describes: ${wrong}`);
    const steps: StepResult[] = [];
    for (let i = 0; i < opts.levels.length; i++) {
      if (opts.signal?.aborted) break;
      opts.onStepStart?.(opts.levels[i], i);
      const step = await runStep(client, prepared, opts, opts.levels[i]);
      if (step === null) break; // cancelled before its first window ended: keep the finished steps
      steps.push(step);
      opts.onStep?.(step, i);
    }
    if (opts.signal?.aborted && steps.length === 0) throw new CancelledError("load cancelled before the first step finished");
    return steps;
  } finally {
    client.close();
  }
}

async function runStep(client: KServeClient, prepared: PreparedRequest, opts: LoadOptions, level: number): Promise<StepResult | null> {
  const recs: Rec[] = [];
  let stop = false;
  const outstanding = new Set<Promise<void>>();
  let delayed = 0;
  const record = (t: Timing) => {
    recs.push({end: t.end, latency: Number(t.end - t.start), send: Number(t.sendEnd - t.start), recv: Number(t.end - t.recvStart), ok: t.status === 200});
    if (t.status !== 200 && firstError === null) firstError = `${t.status}: ${t.error ?? ""}`;
  };
  let firstError: string | null = null;
  const fire = () => {
    const p = client.infer(prepared).then(record);
    outstanding.add(p);
    void p.finally(() => outstanding.delete(p));
  };
  let driver: Promise<void>;
  if (opts.mode === "concurrency") {
    driver = Promise.all(
      Array.from({length: level}, async () => {
        while (!stop) record(await client.infer(prepared));
      })
    ).then(() => undefined);
  } else {
    driver = (async () => {
      const t0 = now();
      const schedule = sendSchedule(level, opts.distribution, (opts.seed ?? 1) + Math.round(level * 1000));
      for (const offset of schedule) {
        if (stop) break;
        const wait = Number(t0 + BigInt(Math.round(offset)) - now()) / 1e6;
        if (wait > 1) await sleep(wait);
        else if (wait < -1) delayed++;
        if (stop) break;
        // Past this many in flight the server is far behind; more sends would only measure the client.
        if (outstanding.size >= 4096) {
          await Promise.race(outstanding);
          continue;
        }
        fire();
      }
      await Promise.all(outstanding);
    })();
  }

  const windows: (WindowSummary & {from: bigint; to: bigint; s0: ModelStats | null; s1: ModelStats | null})[] = [];
  let stable = false;
  let s0 = await client.modelStats(opts.model);
  while (windows.length < opts.maxWindows && !opts.signal?.aborted) {
    const from = now();
    await sleep(opts.windowMs);
    const to = now();
    const s1 = await client.modelStats(opts.model);
    const inWin = recs.filter((r) => r.end >= from && r.end < to && r.ok);
    const seconds = Number(to - from) / 1e9;
    const w = {requests: inWin.length, throughput: (inWin.length * opts.batch) / seconds, avgLatencyUs: inWin.length ? inWin.reduce((a, r) => a + r.latency, 0) / inWin.length / 1000 : NaN, from, to, s0, s1};
    windows.push(w);
    s0 = s1;
    stable = isStable(windows, opts.stabilityPct);
    opts.onWindow?.(level, windows.length - 1, w, stable);
    if (stable) break;
  }
  stop = true;
  await driver;
  if (windows.length === 0) return null;

  const merged = windows.slice(-STABLE_WINDOWS);
  const from = merged[0].from;
  const to = merged[merged.length - 1].to;
  const inRange = recs.filter((r) => r.end >= from && r.end < to);
  const ok = inRange.filter((r) => r.ok);
  const seconds = Number(to - from) / 1e9;
  const lat = ok.map((r) => r.latency / 1000).sort((a, b) => a - b);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const avg = mean(lat);
  const send = mean(ok.map((r) => r.send / 1000));
  const recv = mean(ok.map((r) => r.recv / 1000));
  const d = diffStats(merged[0].s0, merged[merged.length - 1].s1);
  const per = (x: {ns: number} | undefined) => (d && d.success.count > 0 && x ? x.ns / d.success.count / 1000 : null);
  const queue = per(d?.queue);
  const cin = per(d?.input);
  const cinf = per(d?.infer);
  const cout = per(d?.output);
  const compute = cin !== null && cinf !== null && cout !== null ? cin + cinf + cout : null;
  const clientWait = avg - send - recv;
  return {
    mode: opts.mode,
    concurrency: opts.mode === "concurrency" ? level : null,
    request_rate: opts.mode === "request_rate" ? level : null,
    batch: opts.batch,
    throughput_infer_per_s: (ok.length * opts.batch) / seconds,
    throughput_req_per_s: ok.length / seconds,
    p50_us: percentile(lat, 50),
    p90_us: percentile(lat, 90),
    p95_us: percentile(lat, 95),
    p99_us: percentile(lat, 99),
    avg_us: avg,
    client_send_us: send,
    client_recv_us: recv,
    server_queue_us: queue,
    server_compute_us: compute,
    server_compute_input_us: cin,
    server_compute_infer_us: cinf,
    server_compute_output_us: cout,
    network_server_us: queue !== null && compute !== null ? Math.max(0, clientWait - queue - compute) : null,
    server_executions: d ? d.executions : null,
    server_avg_batch: d && d.executions > 0 ? d.inferences / d.executions : null,
    server_requests: d ? d.success.count : null,
    requests: ok.length,
    errors: inRange.length - ok.length,
    first_error: firstError,
    windows: windows.length,
    stable,
    window_ms: opts.windowMs,
    delayed_sends: opts.mode === "request_rate" ? delayed : null
  };
}
