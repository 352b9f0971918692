// Load generator pieces: ranges, send schedules, stability, percentiles, and the CSV read back by
// the perf_analyzer importer.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {UserError} from "../../../loaders/common/errors.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {parsePerfAnalyzerCsv} from "../../../loaders/formats/perf-analyzer/parser.ts";
import {perfAnalyzerCsv} from "../../../loaders/loadgen/csv.ts";
import {parseRange} from "../../../loaders/loadgen/range.ts";
import type {StepResult} from "../../../loaders/loadgen/run.ts";
import {sendSchedule} from "../../../loaders/loadgen/schedule.ts";
import {isStable, percentile} from "../../../loaders/loadgen/windows.ts";

describe("ranges", () => {
  it("reads start:end:step like perf_analyzer", () => {
    assert.deepEqual(parseRange("--concurrency", "1:16:4"), [1, 5, 9, 13]);
    assert.deepEqual(parseRange("--concurrency", "2:4"), [2, 3, 4]);
    assert.deepEqual(parseRange("--concurrency", "3"), [3]);
    assert.deepEqual(parseRange("--request-rate", "0.5:1.5:0.5", {integer: false}), [0.5, 1, 1.5]);
  });
  it("rejects what is not a range, naming the flag", () => {
    assert.throws(() => parseRange("--concurrency", "1:x"), (e: Error) => e instanceof UserError && /--concurrency: "1:x" is not a range/.test(e.message));
    assert.throws(() => parseRange("--concurrency", "8:2"), /the end \(2\) is below the start \(8\)/);
    assert.throws(() => parseRange("--concurrency", "1.5"), /not a range/);
  });
});

describe("send schedules", () => {
  const take = (g: Generator<number>, n: number) => Array.from({length: n}, () => g.next().value as number);
  it("constant: evenly spaced at 1/rate", () => {
    assert.deepEqual(take(sendSchedule(4, "constant"), 4), [0, 250e6, 500e6, 750e6]);
  });
  it("poisson: exponential gaps with mean 1/rate, the same for the same seed", () => {
    const a = take(sendSchedule(100, "poisson", 7), 20001);
    assert.deepEqual(a.slice(0, 50), take(sendSchedule(100, "poisson", 7), 50));
    assert.notDeepEqual(a.slice(0, 50), take(sendSchedule(100, "poisson", 8), 50));
    const gaps = a.slice(1).map((t, i) => t - a[i]);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    assert.ok(Math.abs(mean - 1e7) < 0.03 * 1e7, `mean gap ${mean} ns`);
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(sd / mean - 1) < 0.05, `exponential: sd equals the mean (cv ${sd / mean})`);
  });
});

describe("windows", () => {
  const w = (throughput: number, avgLatencyUs: number, requests = 10) => ({throughput, avgLatencyUs, requests});
  it("is stable when the last 3 windows are within the percentage of their mean, in throughput and latency", () => {
    assert.equal(isStable([w(100, 1000), w(105, 1010)], 10), false, "fewer than 3 windows");
    assert.equal(isStable([w(50, 3000), w(100, 1000), w(105, 1010), w(98, 990)], 10), true, "only the last 3 count");
    assert.equal(isStable([w(100, 1000), w(130, 1000), w(100, 1000)], 10), false, "throughput moved");
    assert.equal(isStable([w(100, 1000), w(100, 1300), w(100, 1000)], 10), false, "latency moved");
    assert.equal(isStable([w(100, 1000), w(100, 1000), w(0, NaN, 0)], 10), false, "an empty window");
  });
  it("percentiles interpolate between ranks", () => {
    assert.equal(percentile([10, 20, 30, 40], 50), 25);
    assert.equal(percentile([10, 20, 30, 40], 100), 40);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe("perf_analyzer CSV", () => {
  const step = (c: number, thr: number, server: boolean): StepResult => ({
    mode: "concurrency", concurrency: c, request_rate: null, batch: 1, throughput_infer_per_s: thr, throughput_req_per_s: thr,
    p50_us: 1000.9 * c, p90_us: 1500.2 * c, p95_us: 1600 * c, p99_us: 2000 * c, avg_us: 1100.7 * c, client_send_us: 50.6, client_recv_us: 20.2,
    server_queue_us: server ? 100.9 * c : null, server_compute_us: server ? 700.5 : null, server_compute_input_us: server ? 100.2 : null,
    server_compute_infer_us: server ? 500.2 : null, server_compute_output_us: server ? 100.1 : null, network_server_us: server ? 229.4 : null,
    server_executions: null, server_avg_batch: null, server_requests: null, requests: 100, errors: 0, first_error: null, windows: 3, stable: true, window_ms: 1000, delayed_sends: null
  });
  it("has perf_analyzer's header names, integer microseconds and rows sorted by throughput", () => {
    const csv = perfAnalyzerCsv([step(1, 900.25, true), step(2, 1500.5, true), step(4, 1400.125, true)]);
    const [header, ...rows] = csv.trim().split("\n");
    assert.equal(header, "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency,Avg latency,request/response,response wait");
    assert.deepEqual(rows.map((r) => r.split(",")[0]), ["1", "4", "2"]);
    assert.equal(rows[0], "1,900.25,50,229,100,100,500,100,20,1000,1500,1600,2000,1100,70,1029");
    const diagnostics = new Diagnostics();
    const parsed = parsePerfAnalyzerCsv(csv, {file: "perf.csv", model: "m", diagnostics});
    assert.deepEqual(diagnostics.list(), [], "every column is one the importer knows");
    assert.equal(parsed.loadMode, "concurrency");
    const c4 = parsed.rows.find((r) => r.concurrency === 4)!;
    assert.deepEqual([c4.throughput, c4.server_queue_us, c4.server_compute_us, c4.p99_latency_us, c4.avg_latency_us, c4.client_send_us], [1400.125, 403, 700, 8000, 4402, 50]);
  });
  it("leaves out the server columns without statistics, and writes Request Rate in rate mode", () => {
    const s = {...step(1, 50, false), mode: "request_rate" as const, concurrency: null, request_rate: 50};
    const csv = perfAnalyzerCsv([s]);
    assert.match(csv, /^Request Rate,Inferences\/Second,Client Send,Client Recv,p50 latency,/);
    const diagnostics = new Diagnostics();
    const parsed = parsePerfAnalyzerCsv(csv, {file: "rate.csv", model: "m", diagnostics});
    assert.deepEqual([parsed.loadMode, parsed.rows[0].request_rate, parsed.rows[0].server_queue_us ?? null], ["request_rate", 50, null]);
  });
});
