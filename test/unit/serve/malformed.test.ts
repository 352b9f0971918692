// Bad requests get the protocol's error response ({"error": "..."} and a 4xx status) with a message
// naming the problem, and the server keeps serving: the next good request on the same client succeeds.
import assert from "node:assert/strict";
import {after, before, describe, it} from "node:test";
import type {ModelStats} from "../../../loaders/serve/protocol.ts";
import {startServer, type RunningServer} from "../../../loaders/serve/server.ts";
import {MODEL, SAMPLE, binaryBody, infer, inputData, jsonBody, testModel} from "./helpers.ts";

const LIMIT = 100_000;

/** POST `chunks` chunks of `size` bytes as a stream, so fetch sends them with chunked transfer encoding. */
async function inferChunked(url: string, size: number, chunks: number): ReturnType<typeof infer> {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(32));
    }
  });
  const r = await fetch(`${url}/v2/models/${MODEL}/infer`, {method: "POST", body, headers: {"content-type": "application/json"}, duplex: "half"} as RequestInit);
  const raw = Buffer.from(await r.arrayBuffer());
  let json: any = null;
  try {
    json = JSON.parse(raw.toString());
  } catch {}
  return {status: r.status, json, raw, headers: r.headers};
}

const CASES: {name: string; send: (url: string) => ReturnType<typeof infer>; status: number; message: RegExp; counted: boolean}[] = [
  {
    name: "wrong shape",
    send: (url) => infer(url, JSON.stringify({inputs: [{name: "input", shape: [1, 3, 31, 32], datatype: "FP32", data: inputData(1).slice(0, 3 * 31 * 32)}]})),
    status: 400,
    message: /^unexpected shape for input 'input' for model 'tiny_cnn'\. Expected \[-1,3,32,32\], got \[1,3,31,32\]$/,
    counted: true
  },
  {
    name: "wrong datatype",
    send: (url) => infer(url, JSON.stringify({inputs: [{name: "input", shape: [1, 3, 32, 32], datatype: "INT64", data: new Array(SAMPLE).fill(1)}]})),
    status: 400,
    message: /^inference input 'input' data-type is 'INT64', but model 'tiny_cnn' expects 'FP32'$/,
    counted: true
  },
  {name: "unknown model", send: (url) => infer(url, jsonBody(1), {"content-type": "application/json"}, "resnet_nope"), status: 404, message: /^Request for unknown model: 'resnet_nope' is not found$/, counted: false},
  {
    name: "oversized body",
    send: (url) => infer(url, JSON.stringify({inputs: [{name: "input", shape: [8, 3, 32, 32], datatype: "FP32", data: inputData(8)}]})),
    status: 413,
    message: /^request body of \d+ bytes is larger than the server's limit of 100000 bytes \(--max-body-bytes\)$/,
    counted: false
  },
  {
    // Declared far past the limit: answered before the body is read, then the connection closes.
    name: "body declared at more than 4x the limit",
    send: (url) => infer(url, JSON.stringify({inputs: [{name: "input", shape: [64, 3, 32, 32], datatype: "FP32", data: inputData(64)}]})),
    status: 413,
    message: /^request body of \d{7,} bytes is larger than the server's limit of 100000 bytes \(--max-body-bytes\)$/,
    counted: false
  },
  {
    // Chunked (no content-length): the server notices only while reading.
    name: "chunked body that grows past 4x the limit",
    send: (url) => inferChunked(url, 64 * 1024, 40),
    status: 413,
    message: /^request body is larger than the server's limit of 100000 bytes \(--max-body-bytes\): more than \d+ bytes sent$/,
    counted: false
  },
  {name: "malformed JSON", send: (url) => infer(url, '{"inputs": [{"name": "input", "shape": [1,3,32,32],'), status: 400, message: /^failed to parse the request JSON buffer: /, counted: true},
  {
    name: "binary size that does not match the shape",
    send: (url) => {
      const {body, headers} = binaryBody(1);
      return infer(url, body.subarray(0, body.length - 4), headers);
    },
    status: 400,
    message: /binary_data_size 12288 runs past the end of the body \(12284 binary bytes left\)/,
    counted: true
  },
  {name: "batch above max_batch_size", send: (url) => infer(url, jsonBody(3)), status: 400, message: /^inference request batch-size must be <= 2 for 'tiny_cnn' \(input 'input' has batch 3\)$/, counted: true},
  {name: "a missing input", send: (url) => infer(url, JSON.stringify({inputs: []})), status: 400, message: /^expected 1 inputs but got 0 inputs for model 'tiny_cnn' \(missing 'input'\)$/, counted: true}
];

describe("malformed requests", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, maxBatch: 2, maxBodyBytes: LIMIT});
  });
  after(() => server.close());

  for (const c of CASES) {
    it(`${c.name}: ${c.status} with {"error"} naming the problem, then a good request succeeds`, async () => {
      const bad = await c.send(server.url);
      assert.equal(bad.status, c.status, `status for ${c.name}: ${bad.raw.toString().slice(0, 200)}`);
      assert.equal(bad.headers.get("content-type"), "application/json");
      assert.deepEqual(Object.keys(bad.json), ["error"]);
      assert.match(bad.json.error, c.message);
      const good = await infer(server.url, jsonBody(1, {id: `after ${c.name}`}));
      assert.equal(good.status, 200);
      assert.equal(good.json.id, `after ${c.name}`);
      assert.deepEqual(good.json.outputs[0].shape, [1, 10]);
    });
  }

  it("counts the requests that reached the model as failures in the statistics", async () => {
    const s = ((await (await fetch(`${server.url}/v2/models/${MODEL}/stats`)).json()) as {model_stats: ModelStats[]}).model_stats[0];
    assert.equal(s.inference_stats.fail.count, CASES.filter((c) => c.counted).length);
    assert.equal(s.inference_stats.success.count, CASES.length);
  });

  it("answers other protocol mistakes too", async () => {
    const get = await fetch(`${server.url}/v2/models/${MODEL}/infer`);
    assert.equal(get.status, 405);
    assert.match(((await get.json()) as {error: string}).error, /GET is not allowed on \/v2\/models\/tiny_cnn\/infer; use POST/);
    const nowhere = await fetch(`${server.url}/v3/things`);
    assert.equal(nowhere.status, 404);
    const setting = await fetch(`${server.url}/v2/trace/setting`, {method: "POST", body: JSON.stringify({trace_rate: "fast"})});
    assert.equal(setting.status, 400);
    assert.match(((await setting.json()) as {error: string}).error, /trace setting 'trace_rate' must be an integer >= 1/);
    const version = await fetch(`${server.url}/v2/models/${MODEL}/versions/7`);
    assert.equal(version.status, 404);
    assert.equal((await infer(server.url, jsonBody(2))).status, 200, "still serving");
  });
});
