// The real commands in child processes: `inferscope serve` (listening line, SIGTERM flushes the
// trace) and `inferscope collect serving` (server + load + network + one store run).
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, it} from "node:test";
import {spawnServer} from "../../../loaders/serve/spawn.ts";
import {detectNetCapability} from "../../../loaders/net/capability.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {MODEL, binaryBody, infer, readTrace, testModel} from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "inferscope-serve-cli-"));
after(() => rmSync(dir, {recursive: true, force: true}));

describe("inferscope serve", () => {
  it("prints the listening line, serves, and on SIGTERM completes the trace file and exits 0", async () => {
    const trace = join(dir, "serve.json");
    const server = await spawnServer(["--model", await testModel(), "--port", "0", "--trace-file", trace, "--trace-rate", "2", "--max-batch", "4", "--preferred-batch", "2,4", "--max-queue-delay-us", "100", "--instances", "2"]);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.model, MODEL, "served under the file's base name");
    const meta = await (await fetch(`${server.url}/v2/models/${MODEL}`)).json();
    assert.deepEqual(meta, {name: MODEL, versions: ["1"], platform: "onnxruntime_onnx", inputs: [{name: "input", datatype: "FP32", shape: [-1, 3, 32, 32]}], outputs: [{name: "output", datatype: "FP32", shape: [-1, 10]}]});
    const config = (await (await fetch(`${server.url}/v2/models/${MODEL}/config`)).json()) as Record<string, unknown>;
    assert.equal(config.max_batch_size, 4);
    assert.deepEqual(config.dynamic_batching, {preferred_batch_size: [2, 4], max_queue_delay_microseconds: 100});
    assert.deepEqual(config.instance_group, [{name: MODEL, kind: "KIND_CPU", count: 2}]);
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
    for (let i = 0; i < 7; i++) {
      const {body, headers} = binaryBody(1, i);
      assert.equal((await infer(server.url, body, headers)).status, 200);
    }
    const stopped = await server.stop();
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    assert.match(stopped.stderr, /stopped after 7 requests; 3 traces in /);
    assert.ok(readFileSync(trace, "utf8").endsWith("]"), "the array is closed");
    const {requests, diagnostics} = await readTrace([trace]);
    assert.equal(requests.length, 3, "requests 2, 4 and 6 of 7");
    assert.deepEqual(diagnostics.list(), []);
  });

  it("says what is wrong with its flags in one line", async () => {
    const r = await cli(["serve", "--model", "tiny_cnn"]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /--port is required/);
    const t = await cli(["serve", "--model", "tiny_cnn", "--port", "0", "--trace-level", "TENSORS", "--trace-file", join(dir, "x.json")]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /--trace-level: "TENSORS" is not supported/);
  });
});

describe("inferscope collect serving", () => {
  it("fills the store with one live run: traced requests, perf_analyzer rows, load steps and (where bpftrace works) network events", async () => {
    const store = join(dir, "store");
    const out = join(dir, "collected");
    const models = join(await testModel(), "..");
    const r = await cli(["collect", "serving", "--model", "tiny_cnn", "--concurrency", "1:2:1", "--window-ms", "150", "--max-windows", "2", "--trace-rate", "1", "--dir", out, "--json"], {env: {INFERSCOPE_STORE: store, INFERSCOPE_MODELS: models}});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /collect serving \[1\/6\] model tiny_cnn/, "progress on stderr");
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.slice(0, 2).map((l) => l.concurrency), [1, 2]);
    const result = lines[2];
    const [run] = await queryStore(`SELECT kind, status FROM runs WHERE run_id = '${result.run_id}'`, {root: store});
    assert.deepEqual(run, {kind: "collect serving", status: "ok"});
    const [counts] = await queryStore(
      `SELECT (SELECT count(*) FROM triton_requests WHERE run_id = '${result.run_id}') AS traced, (SELECT count(*) FROM perf_analyzer WHERE run_id = '${result.run_id}') AS perf,
              (SELECT count(*) FROM load_steps WHERE run_id = '${result.run_id}') AS steps, (SELECT count(*) FROM net_events WHERE run_id = '${result.run_id}') AS net`,
      {root: store}
    );
    assert.ok(Number(counts.traced) > 10, `traced requests: ${counts.traced}`);
    assert.equal(Number(counts.perf), 2);
    assert.equal(Number(counts.steps), 2);
    const cap = await detectNetCapability();
    if (cap.ok) assert.ok(Number(counts.net) > 0, "network events recorded");
    else {
      console.log(`# network events not expected here: ${cap.reason}`);
      assert.match(r.stderr, /no network trace: /);
    }
  });
});
