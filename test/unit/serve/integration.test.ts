// Loopback integration: the real reference server (tiny_cnn, two instances, dynamic batching) under
// real load from the load generator; the trace read back with `inferscope import triton`'s reader.
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, describe, it} from "node:test";
import {requestRow, type TritonRequestRow} from "../../../loaders/formats/triton-trace/rows.ts";
import {createServer} from "node:http";
import {checkInferResponse, KServeClient, prepareRequest} from "../../../loaders/loadgen/client.ts";
import {describeModel, runLoad, type MeasuredWindow} from "../../../loaders/loadgen/run.ts";
import {STABLE_WINDOWS} from "../../../loaders/loadgen/windows.ts";
import type {ModelStats} from "../../../loaders/serve/protocol.ts";
import {startServer, type RunningServer} from "../../../loaders/serve/server.ts";
import {MODEL, binaryBody, infer, jsonBody, readTrace, testModel} from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "inferscope-serve-it-"));
after(() => rmSync(dir, {recursive: true, force: true}));

const ORDER = ["recv_start_ns", "request_start_ns", "queue_start_ns", "compute_start_ns", "compute_input_end_ns", "compute_output_start_ns", "compute_end_ns", "request_end_ns", "send_start_ns", "send_end_ns"] as const;

async function stats(url: string): Promise<ModelStats> {
  const body = (await (await fetch(`${url}/v2/models/${MODEL}/stats`)).json()) as {model_stats: ModelStats[]};
  return body.model_stats[0];
}

async function rowsOf(file: string): Promise<TritonRequestRow[]> {
  const {requests, diagnostics, clock} = await readTrace([file]);
  assert.deepEqual(diagnostics.list().filter((d) => d.severity !== "info"), [], `the importer reads ${file} without warnings`);
  return requests.map((r) => requestRow(r, clock));
}

describe("reference server under load", () => {
  let server: RunningServer;
  const traceA = join(dir, "a.json");
  const traceB = join(dir, "b.json");
  let statsA: ModelStats;
  let statsB: ModelStats;
  let files: string[];

  before(async () => {
    server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, instances: 2, maxBatch: 8, maxQueueDelayUs: 300, trace: {trace_file: traceA, trace_level: ["TIMESTAMPS"], trace_rate: 1}});
    // Phase A: every request traced.
    await runLoad({url: server.url, model: MODEL, mode: "concurrency", levels: [1, 4], batch: 1, distribution: "constant", windowMs: 150, maxWindows: 3, stabilityPct: 50});
    statsA = await stats(server.url);
    // Phase B: trace one request in 3 into another file, set through Triton's trace protocol.
    const set = await fetch(`${server.url}/v2/trace/setting`, {method: "POST", body: JSON.stringify({trace_rate: "3", trace_file: traceB})});
    assert.equal(set.status, 200);
    assert.deepEqual(await set.json(), {trace_level: ["TIMESTAMPS"], trace_rate: "3", trace_count: "-1", log_frequency: "0", trace_file: traceB, trace_mode: "triton"});
    await runLoad({url: server.url, model: MODEL, mode: "request_rate", levels: [300], batch: 2, distribution: "poisson", windowMs: 150, maxWindows: 2, stabilityPct: 50});
    statsB = await stats(server.url);
    files = await server.close();
  });

  it("writes Triton's 2.x layout: a JSON array of per-timestamp entries with a header before REQUEST_START", () => {
    assert.deepEqual(files.sort(), [traceA, traceB].sort());
    const entries = JSON.parse(readFileSync(traceA, "utf8")) as Record<string, unknown>[];
    const first = entries.filter((e) => e.id === 1);
    assert.deepEqual(first.map((e) => (e.timestamps as {name: string}[] | undefined)?.[0].name ?? "header"), [
      "HTTP_RECV_START", "HTTP_RECV_END", "header", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END",
      "COMPUTE_OUTPUT_START", "COMPUTE_END", "INFER_RESPONSE_COMPLETE", "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END"
    ]);
    assert.deepEqual(first[2], {id: 1, model_name: MODEL, model_version: 1});
  });

  it("traces as many requests as trace_rate implies", async () => {
    const a = await rowsOf(traceA);
    const b = await rowsOf(traceB);
    assert.equal(statsA.inference_stats.fail.count, 0);
    assert.equal(a.length, statsA.inference_stats.success.count, "rate 1: every inference request");
    const phaseB = statsB.inference_stats.success.count - statsA.inference_stats.success.count;
    assert.ok(phaseB > 10, `phase B ran requests: ${phaseB}`);
    assert.equal(b.length, Math.floor(phaseB / 3), `rate 3: one in 3 of ${phaseB}`);
    assert.deepEqual(new Set(a.map((r) => Number(r.trace_id))).size, a.length, "trace ids are unique");
  });

  it("orders every request's timestamps from HTTP_RECV_START to HTTP_SEND_END", async () => {
    for (const r of [...(await rowsOf(traceA)), ...(await rowsOf(traceB))]) {
      assert.equal(r.frontend, "http");
      for (let i = 1; i < ORDER.length; i++) {
        const x = r[ORDER[i - 1]] as bigint;
        const y = r[ORDER[i]] as bigint;
        assert.ok(typeof x === "bigint" && typeof y === "bigint", `request ${r.trace_id} has ${ORDER[i - 1]} and ${ORDER[i]}`);
        assert.ok(x <= y, `request ${r.trace_id}: ${ORDER[i - 1]} ${x} <= ${ORDER[i]} ${y}`);
      }
    }
  });

  it("agrees with the statistics endpoint on queue + compute within 5%", async () => {
    const a = await rowsOf(traceA);
    const s = statsA.inference_stats;
    const fromStats = (s.queue.ns + s.compute_input.ns + s.compute_infer.ns + s.compute_output.ns) / s.success.count / 1000;
    const fromTrace = a.reduce((t, r) => t + (r.queue_us as number) + (r.compute_us as number), 0) / a.length;
    assert.ok(Math.abs(fromTrace - fromStats) <= 0.05 * fromStats, `trace ${fromTrace.toFixed(1)} us vs statistics ${fromStats.toFixed(1)} us`);
    const handler = a.reduce((t, r) => t + (r.request_us as number), 0) / a.length;
    assert.ok(Math.abs(handler - s.success.ns / s.success.count / 1000) <= 0.05 * handler, "success time is REQUEST_START -> REQUEST_END");
    // Batch statistics count executions, inference_count the rows.
    assert.equal(statsA.batch_stats.reduce((n, b) => n + b.compute_infer.count, 0), statsA.execution_count);
    assert.equal(statsA.inference_count, s.success.count, "batch 1 requests: one inference each");
    assert.equal(statsB.inference_count - statsA.inference_count, 2 * (statsB.inference_stats.success.count - s.success.count), "batch 2 requests");
  });
});

describe("the load generator's server columns", () => {
  it("match the traced requests of the step's measurement windows", async () => {
    const file = join(dir, "columns.json");
    const server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, instances: 2, maxBatch: 8, maxQueueDelayUs: 200, trace: {trace_file: file, trace_level: ["TIMESTAMPS"], trace_rate: 1}});
    const windows: MeasuredWindow[] = [];
    let step;
    try {
      [step] = await runLoad({url: server.url, model: MODEL, mode: "concurrency", levels: [3], batch: 1, distribution: "constant", windowMs: 250, maxWindows: 4, stabilityPct: 50, onWindow: (_l, _i, w) => windows.push(w)});
    } finally {
      await server.close();
    }
    const merged = windows.slice(-STABLE_WINDOWS);
    const from = merged[0].from;
    const to = merged[merged.length - 1].to;
    // The statistics are read just before the first window and just after the last: the same requests
    // as the window's, give or take those in flight at either edge.
    const inWindow = (await rowsOf(file)).filter((r) => (r.request_end_ns as bigint) >= from && (r.request_end_ns as bigint) < to);
    assert.ok(inWindow.length > 30, `traced requests in the windows: ${inWindow.length}`);
    const edge = 2 * 3 * merged.length;
    assert.ok(step.server_requests !== null && Math.abs(step.server_requests - step.requests) <= edge, `server_requests ${step.server_requests} vs client requests ${step.requests}`);
    assert.ok(Math.abs(step.server_requests - inWindow.length) <= edge, `server_requests ${step.server_requests} vs traced ${inWindow.length}`);
    const traced = inWindow.reduce((t, r) => t + (r.queue_us as number) + (r.compute_us as number), 0) / inWindow.length;
    const columns = step.server_queue_us! + step.server_compute_us!;
    assert.ok(Math.abs(columns - traced) <= 0.05 * traced, `server_queue_us + server_compute_us ${columns.toFixed(1)} us vs traced ${traced.toFixed(1)} us`);
    const tracedQueue = inWindow.reduce((t, r) => t + (r.queue_us as number), 0) / inWindow.length;
    assert.ok(Math.abs(step.server_queue_us! - tracedQueue) <= 0.05 * columns, `queue ${step.server_queue_us} us vs traced ${tracedQueue} us`);
    assert.ok(step.server_executions! >= 1 && step.server_executions! <= step.server_requests, "executions");
    assert.ok(Math.abs(step.server_avg_batch! - step.server_requests / step.server_executions!) < 1e-9, "batch 1 requests: avg batch = requests / executions");
  });
});

describe("the load generator's requests and answers", () => {
  it("asks for outputs in the form it sends (binary or --json-data) and checks the answer against the metadata", async () => {
    const server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, maxBatch: 4});
    const client = new KServeClient(server.url);
    try {
      const {meta, config} = await describeModel(client, MODEL);
      for (const binary of [true, false]) {
        const p = prepareRequest(meta, config, 3, {binary});
        const r = await client.infer(p, {keepBody: true});
        assert.equal(r.status, 200);
        assert.equal(r.headers!["inference-header-content-length"] !== undefined, binary, `binary outputs only when binary: ${binary}`);
        assert.equal(checkInferResponse(meta, 3, r.body!, r.headers!), null);
        assert.match(checkInferResponse(meta, 2, r.body!, r.headers!) ?? "", /has batch 3, expected 2/);
        if (binary) assert.match(checkInferResponse(meta, 3, r.body!.subarray(0, r.body!.length - 4), r.headers!) ?? "", /the outputs declare 120/);
        else assert.equal((JSON.parse(r.body!.toString()) as {outputs: {data: number[]}[]}).outputs[0].data.length, 30);
      }
    } finally {
      client.close();
      await server.close();
    }
  });

  it("stops with a clear error when a server answers 200 without the model's outputs", async () => {
    const real = await startServer({model: MODEL, modelFile: await testModel(), port: 0});
    const meta = await (await fetch(`${real.url}/v2/models/${MODEL}`)).text();
    await real.close();
    const liar = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const body = req.url!.endsWith("/infer") ? '{"model_name":"tiny_cnn","outputs":[]}' : req.url!.endsWith(`/models/${MODEL}`) ? meta : "";
        res.writeHead(req.url!.endsWith("/config") || req.url!.endsWith("/stats") ? 404 : 200, {"content-type": "application/json"});
        res.end(body);
      });
    });
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(liar.address() as {port: number}).port}`;
      await assert.rejects(runLoad({url, model: MODEL, mode: "concurrency", levels: [1], batch: 1, distribution: "constant", windowMs: 50, maxWindows: 1, stabilityPct: 10}), /not what model 'tiny_cnn''s metadata describes: output '\w+' is missing from the response/);
    } finally {
      liar.close();
    }
  });
});

describe("tracing failed requests", () => {
  it("leaves requests rejected before the model out of the trace file, so it imports cleanly", async () => {
    const file = join(dir, "failed.json");
    const server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, maxBatch: 2, maxBodyBytes: 100_000, trace: {trace_file: file, trace_level: ["TIMESTAMPS"], trace_rate: 1}});
    try {
      assert.equal((await infer(server.url, jsonBody(1, {id: "first"}))).status, 200);
      assert.equal((await infer(server.url, '{"inputs": [')).status, 400);
      assert.equal((await infer(server.url, jsonBody(3))).status, 400);
      assert.equal((await infer(server.url, jsonBody(8))).status, 413);
      assert.equal((await infer(server.url, jsonBody(1, {id: "last"}))).status, 200);
    } finally {
      await server.close();
    }
    const {requests, diagnostics} = await readTrace([file]);
    assert.deepEqual(diagnostics.list().filter((d) => d.severity !== "info"), [], `${file} imports without warnings`);
    assert.deepEqual(requests.map((r) => r.requestId), ["first", "last"]);
  });
});

describe("dynamic batching", () => {
  it("joins concurrent requests into one execution of the preferred size and splits the outputs back", async () => {
    const server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, instances: 1, maxBatch: 8, preferred: [4], maxQueueDelayUs: 5_000_000});
    try {
      // Batch 1 + 2 + 1 = 4 rows: the preferred size, sent as soon as the fourth row arrives.
      const bodies = [jsonBody(1, {seed: 11, id: "a"}), jsonBody(2, {seed: 12, id: "b"}), jsonBody(1, {seed: 13, id: "c"})];
      const together = await Promise.all(bodies.map((b) => infer(server.url, b)));
      const s1 = (await (await fetch(`${server.url}/v2/models/${MODEL}/stats`)).json()) as {model_stats: ModelStats[]};
      assert.equal(s1.model_stats[0].execution_count, 1, "one execution");
      assert.deepEqual(s1.model_stats[0].batch_stats.map((b) => [b.batch_size, b.compute_infer.count]), [[4, 1]]);
      assert.deepEqual(together.map((r) => [r.status, r.json.id, r.json.outputs[0].shape]), [[200, "a", [1, 10]], [200, "b", [2, 10]], [200, "c", [1, 10]]]);
      // Each request gets its own rows: the same as running it alone (maximum queue delay aside, a lone request waits for the timer).
      const alone = await startServer({model: MODEL, modelFile: await testModel(), port: 0, dynamicBatching: false});
      try {
        for (let i = 0; i < bodies.length; i++) {
          const r = await infer(alone.url, bodies[i]);
          const got = together[i].json.outputs[0].data as number[];
          const want = r.json.outputs[0].data as number[];
          assert.equal(got.length, want.length);
          got.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-5, `request ${i} output ${k}: ${v} vs ${want[k]}`));
        }
      } finally {
        await alone.close();
      }
    } finally {
      await server.close();
    }
  });

  it("answers binary requests with binary outputs of the right size", async () => {
    const server = await startServer({model: MODEL, modelFile: await testModel(), port: 0});
    try {
      const {body, headers} = binaryBody(3, 5);
      const r = await infer(server.url, body, headers);
      assert.equal(r.status, 200);
      const len = Number(r.headers.get("inference-header-content-length"));
      assert.equal(r.json.outputs[0].parameters.binary_data_size, 3 * 10 * 4);
      assert.equal(r.raw.length - len, 3 * 10 * 4);
      const probs = new Float32Array(r.raw.buffer.slice(r.raw.byteOffset + len, r.raw.byteOffset + r.raw.length));
      for (let row = 0; row < 3; row++) {
        const sum = probs.slice(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-4, `softmax row ${row} sums to 1: ${sum}`);
      }
    } finally {
      await server.close();
    }
  });
});
