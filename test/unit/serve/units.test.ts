// The dynamic batcher's decisions and the tracer's sampling and files, without a server.
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, it} from "node:test";
import {decideBatch, type BatchPolicy} from "../../../loaders/serve/batcher.ts";
import {parseInferRequest} from "../../../loaders/serve/infer-request.ts";
import {modelDef} from "../../../loaders/serve/model.ts";
import {ProtocolError} from "../../../loaders/serve/protocol.ts";
import {Tracer} from "../../../loaders/serve/trace.ts";
import {readTrace} from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "inferscope-serve-units-"));
after(() => rmSync(dir, {recursive: true, force: true}));

describe("dynamic batcher", () => {
  const policy = (p: Partial<BatchPolicy> = {}): BatchPolicy => ({dynamic: true, maxBatchSize: 8, preferred: [], maxQueueDelayNs: 0n, ...p});
  const q = (...batches: number[]) => batches.map((batch, i) => ({batch, queuedAt: BigInt(i * 10)}));

  it("without a queue delay sends everything that fits at once", () => {
    assert.deepEqual(decideBatch(q(1, 1, 1), 100n, policy()), {take: 3});
    assert.deepEqual(decideBatch(q(4, 3, 2), 100n, policy()), {take: 2}, "the third request would pass max_batch_size");
    assert.equal(decideBatch([], 0n, policy()), null);
  });
  it("without dynamic batching sends one request at a time", () => {
    assert.deepEqual(decideBatch(q(1, 1, 1), 100n, policy({dynamic: false})), {take: 1});
    assert.deepEqual(decideBatch(q(1, 1, 1), 100n, policy({maxBatchSize: 1})), {take: 1});
  });
  it("with a queue delay waits for the batch to grow, then sends what it has", () => {
    const p = policy({maxQueueDelayNs: 1000n});
    assert.deepEqual(decideBatch(q(1, 1), 300n, p), {waitNs: 700n}, "the oldest request waited 300 of 1000 ns");
    assert.deepEqual(decideBatch(q(1, 1), 1000n, p), {take: 2}, "delay expired");
    assert.deepEqual(decideBatch(q(4, 4), 10n, p), {take: 2}, "max_batch_size reached: no waiting");
    assert.deepEqual(decideBatch(q(5, 4), 10n, p), {take: 1}, "the next request does not fit: no waiting");
  });
  it("sends at the largest preferred size at once, and the largest preferred prefix when the delay expires", () => {
    const p = policy({preferred: [2, 4], maxQueueDelayNs: 1000n});
    assert.deepEqual(decideBatch(q(1, 1, 1, 1), 10n, p), {take: 4});
    assert.deepEqual(decideBatch(q(1, 1, 1), 10n, p), {waitNs: 990n});
    assert.deepEqual(decideBatch(q(1, 1, 1), 2000n, p), {take: 2}, "3 is not preferred; 2 is");
    assert.deepEqual(decideBatch(q(3), 2000n, p), {take: 1}, "no preferred prefix: everything that fits");
  });
});

describe("tracer", () => {
  it("samples the rate-th, 2*rate-th, ... request and stops after trace_count", () => {
    const t = new Tracer({trace_file: join(dir, "s.json"), trace_level: ["TIMESTAMPS"], trace_rate: 3, trace_count: 2});
    const sampled = Array.from({length: 12}, (_, i) => (t.sampleRequest() ? i + 1 : 0)).filter(Boolean);
    assert.deepEqual(sampled, [3, 6]);
    t.update({trace_count: "-1", trace_rate: "4"});
    const again = Array.from({length: 9}, (_, i) => (t.sampleRequest() ? i + 1 : 0)).filter(Boolean);
    assert.deepEqual(again, [4, 8], "new settings restart the counter");
    t.update({trace_level: ["OFF"]});
    assert.equal(t.sampleRequest(), null);
    t.close();
  });
  it("rejects settings Triton would not take, naming the key", () => {
    const t = new Tracer();
    assert.throws(() => t.update({trace_rate: "0"}), (e: Error) => e instanceof ProtocolError && /'trace_rate' must be an integer >= 1/.test(e.message));
    assert.throws(() => t.update({trace_level: ["TENSORS"]}), /TENSORS.*not supported/);
    assert.throws(() => t.update({sample: "1"}), /unknown trace setting 'sample'/);
    assert.throws(() => t.update({trace_level: ["TIMESTAMPS"]}), /needs a trace_file/);
  });

  const traceOf = (t: Tracer, model = "m") => {
    const tr = t.sampleRequest()!;
    let ns = 1_000_000_000_000n + BigInt(tr.id) * 1000n;
    tr.stamp("HTTP_RECV_START", ns++);
    tr.header(model, "1", `r${tr.id}`);
    for (const name of ["REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_END", "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END"]) tr.stamp(name, ns++);
    tr.release();
  };

  it("log_frequency 0: one array, closed at exit; a killed server's file (no ']') is still read", async () => {
    const file = join(dir, "one.json");
    const t = new Tracer({trace_file: file, trace_level: ["TIMESTAMPS"], trace_rate: 1});
    for (let i = 0; i < 5; i++) traceOf(t);
    const unfinished = readFileSync(file, "utf8");
    assert.ok(unfinished.startsWith("[{") && !unfinished.endsWith("]"));
    writeFileSync(join(dir, "killed.json"), unfinished);
    assert.deepEqual(t.close(), [file]);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).length, 5 * 9);
    const {requests} = await readTrace([file]);
    assert.deepEqual(requests.map((r) => [r.id, r.requestId, r.model]), [1, 2, 3, 4, 5].map((i) => [i, `r${i}`, "m"]));
    const killed = await readTrace([join(dir, "killed.json")]);
    assert.equal(killed.requests.length, 5);
    assert.ok(killed.diagnostics.list().some((d) => d.code === "truncated_file"), "the importer notes the missing ']'");
  });
  it("log_frequency L: every L traces in <file>.<index>, the rest at exit", async () => {
    const file = join(dir, "split.json");
    const t = new Tracer({trace_file: file, trace_level: ["TIMESTAMPS"], trace_rate: 1, log_frequency: 2});
    for (let i = 0; i < 5; i++) traceOf(t);
    assert.deepEqual(t.close(), [`${file}.0`, `${file}.1`, `${file}.2`]);
    const {requests} = await readTrace([`${file}.0`, `${file}.1`, `${file}.2`]);
    assert.equal(requests.length, 5);
    assert.equal(JSON.parse(readFileSync(`${file}.2`, "utf8")).length, 9, "one trace left for the last file");
  });
});

describe("request parsing", () => {
  const def = modelDef("m", [{name: "x", type: "float32", shape: [-1, 2]}, {name: "ids", type: "int64", shape: [-1, 1]}], [{name: "y", type: "float32", shape: [-1, 2]}], 4);
  it("reads JSON tensors (nested or flat) and binary tensors in the inputs' order", () => {
    const r = parseInferRequest(Buffer.from(JSON.stringify({inputs: [{name: "ids", shape: [2, 1], datatype: "INT64", data: [[7], [8]]}, {name: "x", shape: [2, 2], datatype: "FP32", data: [1, 2, 3, 4]}]})), undefined, def);
    assert.equal(r.batch, 2);
    assert.deepEqual(r.inputs.map((t) => [t.name, Array.from(t.data as ArrayLike<number | bigint>)]), [["x", [1, 2, 3, 4]], ["ids", [7n, 8n]]]);
    const x = Buffer.from(Float32Array.from([5, 6]).buffer);
    const ids = Buffer.from(BigInt64Array.from([9n]).buffer);
    const header = Buffer.from(JSON.stringify({inputs: [{name: "x", shape: [1, 2], datatype: "FP32", parameters: {binary_data_size: 8}}, {name: "ids", shape: [1, 1], datatype: "INT64", parameters: {binary_data_size: 8}}], parameters: {binary_data_output: true}}));
    const b = parseInferRequest(Buffer.concat([header, x, ids]), String(header.length), def);
    assert.deepEqual(Array.from(b.inputs[0].data as Float32Array), [5, 6]);
    assert.deepEqual(Array.from(b.inputs[1].data as BigInt64Array), [9n]);
    assert.deepEqual(b.outputs, [{name: "y", binary: true}]);
  });
  it("names the element that is not a number and the count that does not match", () => {
    const body = (data: unknown[]) => Buffer.from(JSON.stringify({inputs: [{name: "x", shape: [1, 2], datatype: "FP32", data}, {name: "ids", shape: [1, 1], datatype: "INT64", data: [1]}]}));
    assert.throws(() => parseInferRequest(body([1, "two"]), undefined, def), /input 'x' has datatype FP32 but element 1 is "two"; expected a number/);
    assert.throws(() => parseInferRequest(body([1, 2, 3]), undefined, def), /unexpected number of elements for input 'x': the shape holds 2, 'data' has 3/);
    assert.throws(() => parseInferRequest(Buffer.from("{}"), "9", def), /Inference-Header-Content-Length is "9" but the body has 2 bytes/);
  });
});
