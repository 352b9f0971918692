// `inferscope load` as a user runs it, against the real reference server on loopback.
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, describe, it} from "node:test";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {parsePerfAnalyzerCsv} from "../../../loaders/formats/perf-analyzer/parser.ts";
import {startServer, type RunningServer} from "../../../loaders/serve/server.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {MODEL, testModel} from "../serve/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "inferscope-load-"));
after(() => rmSync(dir, {recursive: true, force: true}));

const KEYS = ["concurrency", "request_rate", "batch", "throughput_infer_per_s", "p50_us", "p90_us", "p95_us", "p99_us", "avg_us", "server_queue_us", "server_compute_us"];

describe("inferscope load", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({model: MODEL, modelFile: await testModel(), port: 0, maxBatch: 4, maxQueueDelayUs: 200});
  });
  after(() => server.close());

  it("sweeps concurrency: one JSON line per step, perf_analyzer's CSV, store rows", async () => {
    const store = join(dir, "store");
    const out = join(dir, "c.csv");
    const r = await cli(["load", "--url", server.url, "--model", MODEL, "--concurrency", "1:3:2", "--batch", "2", "--out", out, "--json", "--window-ms", "150", "--max-windows", "3", "--stability-pct", "30"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    for (const l of lines) {
      assert.deepEqual(Object.keys(l).slice(0, KEYS.length), KEYS, "the contract keys first, in order");
      assert.equal(l.batch, 2);
      assert.equal(l.request_rate, null);
      assert.ok(l.throughput_infer_per_s > 0 && l.p50_us > 0 && l.p50_us <= l.p99_us && l.avg_us > 0);
      assert.ok(l.server_queue_us >= 0 && l.server_compute_us > 0, "server columns from the statistics extension");
      assert.equal(l.errors, 0);
      assert.ok(l.windows >= 1 && l.windows <= 3);
    }
    assert.deepEqual(lines.map((l) => l.concurrency), [1, 3]);
    assert.match(r.stderr, /load \[1\/2\] concurrency 1/);
    const diagnostics = new Diagnostics();
    const parsed = parsePerfAnalyzerCsv(readFileSync(out, "utf8"), {file: out, model: MODEL, diagnostics});
    assert.deepEqual(diagnostics.list(), []);
    assert.deepEqual(parsed.rows.map((x) => x.concurrency).sort(), [1, 3]);
    for (const row of parsed.rows) {
      const l = lines.find((x) => x.concurrency === row.concurrency);
      assert.equal(row.p99_latency_us, Math.floor(l.p99_us), "CSV holds the same step, in integer us");
      assert.equal(row.server_queue_us, Math.floor(l.server_queue_us));
    }
    const stored = await queryStore(`SELECT p.concurrency, p.throughput, s.batch, s.server_avg_batch, r.kind FROM perf_analyzer p JOIN load_steps s USING (run_id, concurrency) JOIN runs r USING (run_id) ORDER BY p.concurrency`, {root: store});
    assert.deepEqual(stored.map((x) => [x.concurrency, x.batch, x.kind]), [[1, 2, "load"], [3, 2, "load"]]);
    assert.ok(stored.every((x) => x.server_avg_batch >= 2), "server batches hold at least the request's 2 rows");
  });

  it("sends at a Poisson request rate", async () => {
    const out = join(dir, "r.csv");
    const r = await cli(["load", "--url", server.url, "--model", MODEL, "--request-rate", "100:200:100", "--distribution", "poisson", "--out", out, "--json", "--window-ms", "200", "--max-windows", "2", "--no-store"], {env: {INFERSCOPE_STORE: join(dir, "unused")}});
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.request_rate, l.concurrency, l.errors]), [[100, null, 0], [200, null, 0]]);
    assert.match(readFileSync(out, "utf8"), /^Request Rate,Inferences\/Second,/);
  });

  it("stops with one line when the server is not there or rejects the request", async () => {
    const gone = await cli(["load", "--url", "http://127.0.0.1:9", "--model", MODEL, "--concurrency", "1", "--out", join(dir, "x.csv")]);
    assert.equal(gone.code, 1);
    assertOneLineError(gone.stderr);
    assert.match(gone.stderr, /the server is not ready/);
    const big = await cli(["load", "--url", server.url, "--model", MODEL, "--concurrency", "1", "--batch", "9", "--out", join(dir, "x.csv")]);
    assert.equal(big.code, 1);
    assert.match(big.stderr, /--batch 9 is larger than model 'tiny_cnn''s max_batch_size 4/);
    const unknown = await cli(["load", "--url", server.url, "--model", "nope", "--concurrency", "1", "--out", join(dir, "x.csv")]);
    assert.match(unknown.stderr, /answered 404: Request for unknown model: 'nope' is not found/);
    const both = await cli(["load", "--url", server.url, "--model", MODEL, "--out", join(dir, "x.csv")]);
    assert.match(both.stderr, /give exactly one of --concurrency a:b:step or --request-rate a:b:step/);
  });
});
