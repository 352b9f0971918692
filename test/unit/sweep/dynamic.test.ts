// Dynamic batching: the batcher and rate options, the recommendation from a batch profile (numbers
// worked by hand), and the sweep end to end against the reference server and load generator.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {batcherLabel, parseBatcher, rateRange, servingAvailable} from "../../../loaders/sweep/dynamic.ts";
import {predict, recommend, type DynamicRow, type ProfilePoint} from "../../../loaders/sweep/recommend.ts";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

// A profile where a batch of 8 costs 4x a batch of 1: throughput doubles, so does efficiency.
const PROFILE: ProfilePoint[] = [
  {batch: 1, mean_ms: 10, p99_ms: 12, throughput_infer_per_s: 100, infer_per_joule: 2},
  {batch: 2, mean_ms: 14, p99_ms: 16, throughput_infer_per_s: 143, infer_per_joule: 2.9},
  {batch: 4, mean_ms: 24, p99_ms: 27, throughput_infer_per_s: 167, infer_per_joule: 3.3},
  {batch: 8, mean_ms: 40, p99_ms: 44, throughput_infer_per_s: 200, infer_per_joule: 4}
];

function measured(label: string, max_batch: number, delay: number, rate: number, p99_ms: number, throughput: number): DynamicRow {
  return {model: "m", config_label: label, max_batch, preferred_batch: null, max_queue_delay_us: delay, instances: 1, distribution: "poisson", request_rate: rate, client_batch: 1, throughput_infer_per_s: throughput, p50_us: p99_ms * 500, p90_us: p99_ms * 900, p99_us: p99_ms * 1000};
}

describe("batcher and rate options", () => {
  it("parses MAX[:PREFERRED/...][@DELAY_US]", () => {
    assert.deepEqual(parseBatcher("1"), {max_batch: 1, preferred: [], delay_us: 0});
    assert.deepEqual(parseBatcher("8@5000"), {max_batch: 8, preferred: [], delay_us: 5000});
    assert.deepEqual(parseBatcher("16:8/16@20000"), {max_batch: 16, preferred: [8, 16], delay_us: 20000});
    assert.throws(() => parseBatcher("8:16"), /preferred sizes must be between 1 and the max batch 8/);
    assert.throws(() => parseBatcher("eight"), /--batcher: 'eight' is not MAX/);
    assert.equal(batcherLabel(parseBatcher("16:8/16@20000"), 2), "max 16 · preferred 8,16 · delay 20000 µs · 2 instances");
    assert.equal(batcherLabel(parseBatcher("1"), 1), "no batching · 1 instance");
  });

  it("expands A:B:STEP like the load generator", () => {
    assert.deepEqual(rateRange("20:80:20"), [20, 40, 60, 80]);
    assert.deepEqual(rateRange("0.5:1.5:0.5"), [0.5, 1, 1.5]);
    assert.throws(() => rateRange("80:20:20"), /--rates: '80:20:20' is not START:END:STEP/);
  });
});

describe("recommendation from a batch profile", () => {
  it("predicts fill time + p99 + M/D/1 queueing", () => {
    // 50 req/s, batch 4: 3 more arrivals at 20 ms = 60 ms to fill; load 50 x 24 ms / 4 = 0.3;
    // queueing 0.3 / (2 x 0.7) x 24 ms.
    const p = predict(PROFILE[2], 50, 100);
    assert.equal(p.fill_ms, 60);
    assert.ok(Math.abs(p.utilisation - 0.3) < 1e-12);
    assert.ok(Math.abs(p.queue_ms - (0.3 / 1.4) * 24) < 1e-12);
    assert.ok(Math.abs(p.predicted_p99_ms - (60 + 27 + (0.3 / 1.4) * 24)) < 1e-12);
    assert.equal(p.feasible, true);
    assert.equal(predict(PROFILE[0], 120, 1000).feasible, false, "over capacity (load 1.2) is never feasible");
  });

  it("picks the most efficient batch size within the bound at each rate, and says when none fits", () => {
    const recs = recommend(PROFILE, {model: "m", profileRunId: "r1", rates: [10, 50, 90, 300], boundMs: 50});
    assert.deepEqual(recs.map((r) => r.objective), ["efficiency", "efficiency", "efficiency", "efficiency"]);
    // 10 req/s: batch 2 waits 100 ms to fill -> over the bound; only batch 1 fits.
    assert.equal(recs[0].batch, 1);
    assert.equal(recs[0].max_queue_delay_us, 0);
    // 50 req/s: batch 2 fills in 20 ms: 20 + 16 + queueing(0.35) ~ 39.8 ms fits; batch 4 (60 ms to fill) does not.
    assert.equal(recs[1].batch, 2);
    assert.equal(recs[1].max_queue_delay_us, 20_000);
    // 90 req/s: batch 1 is at 90% load (queueing 45 ms: over the bound); batch 2 fills in 11 ms and fits.
    assert.equal(recs[2].batch, 2);
    assert.ok(recs.slice(0, 3).every((r) => r.feasible && r.predicted_p99_ms! <= 50));
    // 300 req/s: nothing keeps up within 50 ms.
    assert.equal(recs[3].feasible, false);
    assert.equal(recs[3].batch, null);
    assert.match(recs[3].note!, /no profiled batch size meets p99 <= 50 ms at 300 requests\/s/);
  });

  it("without power it maximizes throughput and says so; the server's max batch limits the choice", () => {
    const noPower = PROFILE.map((p) => ({...p, infer_per_joule: null}));
    const recs = recommend(noPower, {model: "m", profileRunId: "r1", rates: [100], boundMs: 500, maxBatch: 4});
    assert.equal(recs[0].objective, "throughput");
    assert.equal(recs[0].batch, 4, "batch 8 would do more but the server runs at most 4");
    assert.match(recs[0].note!, /throughput \(no power in the profile\)/);
  });

  it("sets the measurement beside the recommendation: the closest batcher and the best within the bound", () => {
    const rows = [measured("none", 1, 0, 50, 80, 48), measured("max 4", 4, 5000, 50, 30, 50), measured("max 16", 16, 20000, 50, 45, 50), measured("max 4", 4, 5000, 90, 70, 85)];
    const [rec] = recommend(PROFILE, {model: "m", profileRunId: "r1", rates: [52], boundMs: 50, measured: rows});
    assert.equal(rec.batch, 2);
    assert.equal(rec.measured_config, "max 4", "nearest rate (50), max batch nearest to 2 on a log scale (1 and 4 tie; then the delay nearest 20 ms)");
    assert.equal(rec.measured_p99_ms, 30);
    assert.equal(rec.best_measured_config, "max 16", "same throughput as max 4: the larger batch wins the tie");
    assert.equal(rec.best_measured_p99_ms, 45);
  });
});

describe("inferscope sweep dynamic", {skip: servingAvailable() ? false : "the reference server (inferscope serve, load) is not in this checkout"}, () => {
  it("measures two batchers at two rates on the reference server and stores recommendations", async () => {
    const store = await tempDir("inferscope-store-");
    const env = {INFERSCOPE_STORE: store, INFERSCOPE_MODELS: await tempDir("inferscope-models-"), INFERSCOPE_POWERCAP_ROOT: await tempDir("inferscope-powercap-")};
    const r = await cli(["sweep", "dynamic", "--model", "tiny_cnn", "--batcher", "1", "--batcher", "4:2/4@2000", "--rates", "40:80:40", "--window-ms", "400", "--max-windows", "1", "--profile-window", "0.2", "--json"], {env});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.measurements.length, 4);
    assert.equal(out.recommendations.length, 2);
    const rows = await queryStore("SELECT config_label, max_batch, preferred_batch, max_queue_delay_us, request_rate, throughput_infer_per_s, p50_us, p99_us FROM dynamic_batching ORDER BY max_batch, request_rate", {root: store});
    assert.deepEqual(rows.map((x) => `${x.config_label}@${x.request_rate}`), ["no batching · 1 instance@40", "no batching · 1 instance@80", "max 4 · preferred 2,4 · delay 2000 µs · 1 instance@40", "max 4 · preferred 2,4 · delay 2000 µs · 1 instance@80"]);
    assert.ok(rows.every((x) => (x.throughput_infer_per_s as number) > 0 && (x.p50_us as number) <= (x.p99_us as number)));
    const recs = await queryStore("SELECT request_rate, objective, profile_run_id, latency_bound_ms FROM batch_recommendations ORDER BY request_rate", {root: store});
    assert.deepEqual(recs.map((x) => x.request_rate), [40, 80]);
    assert.ok(recs.every((x) => x.objective === "throughput" && x.latency_bound_ms === 50 && x.profile_run_id === out.profile_run_id));
    // The profile it measured first is a batch sweep in the store, up to the largest max batch.
    const profile = await queryStore(`SELECT batch FROM batch_sweep WHERE run_id = '${out.profile_run_id}' ORDER BY batch`, {root: store});
    assert.deepEqual(profile.map((x) => x.batch), [1, 2, 4]);
    const runs = await queryStore("SELECT kind, status FROM runs ORDER BY kind", {root: store});
    assert.deepEqual(runs.map((x) => `${x.kind}:${x.status}`), ["sweep batch:ok", "sweep dynamic:ok"]);
  });

  it("bad options are one-line errors", async () => {
    const env = {INFERSCOPE_STORE: await tempDir("inferscope-store-")};
    for (const [args, message] of [
      [["--batcher", "8:16"], /preferred sizes must be between/],
      [["--rates", "fast"], /--rates: 'fast' is not START:END:STEP/],
      [["--profile-run", "nope"], /--profile-run: no batch sweep 'nope' in the store/]
    ] as const) {
      const res = await cli(["sweep", "dynamic", "--model", "tiny_cnn", ...args], {env});
      assert.equal(res.code, 1, res.stderr);
      assertOneLineError(res.stderr);
      assert.match(res.stderr, message);
    }
  });
});
