// The partition commands as a user runs them, into a temporary store: a real profile, plan and
// parallel run of the tiny test model on this machine, and plans on imported CSV tables (good,
// with gaps, malformed, and with a unit that has no data).
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {before, describe, it} from "node:test";
import {queryStore} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";

async function count(root: string, sql: string): Promise<number> {
  return Number((await queryStore(sql, {root}))[0].n);
}

describe("partition commands on a real model", () => {
  let store: string;
  let models: string;
  const env = () => ({INFERSCOPE_STORE: store, INFERSCOPE_MODELS: models});

  before(async () => {
    store = await tempDir("inferscope-partition-");
    models = await tempDir("inferscope-models-");
  });

  it("profile measures every unit at 1, 2^n and neighbours (and held-out sizes) into the store", async () => {
    const r = await cli(["partition", "profile", "--model", "tiny_cnn", "--units", "cpu:1,cpu:1", "--max-batch", "8", "--runs", "2", "--json"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.units, ["cpu:1", "cpu:1#2"]);
    const rows = await queryStore("SELECT unit, batch, row_kind, median_ms, model_ms, predicted_ms, error_pct, runs FROM partition_profiles ORDER BY unit, batch", {root: store});
    const grid = rows.filter((x) => x.row_kind === "grid");
    assert.deepEqual(grid.filter((x) => x.unit === "cpu:1").map((x) => x.batch), [1, 2, 3, 4, 5, 7, 8]);
    assert.ok(grid.every((x) => (x.median_ms as number) > 0 && (x.model_ms as number) >= (x.median_ms as number) && x.runs === 2));
    const held = rows.filter((x) => x.row_kind === "holdout");
    assert.deepEqual(held.map((x) => `${x.unit}@${x.batch}`), ["cpu:1@6", "cpu:1#2@6"]);
    assert.ok(held.every((x) => Number.isFinite(x.predicted_ms) && Number.isFinite(x.error_pct)), "held-out sizes carry the interpolation error");
    assert.equal(await count(store, "SELECT count(*) AS n FROM runs WHERE kind = 'partition profile' AND status = 'ok'"), 1);
  });

  it("plan reads the stored table and prints all three planners; --json for machines", async () => {
    const text = await cli(["partition", "plan", "--model", "tiny_cnn", "--batch", "8"], {env: env()});
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^planner\s+cpu:1\s+cpu:1#2\s+predicted makespan/m);
    for (const p of ["proportional", "greedy", "optimal"]) assert.match(text.stdout, new RegExp(`^${p}\\s+\\d+\\s+\\d+\\s`, "m"));
    const r = await cli(["partition", "plan", "--model", "tiny_cnn", "--batch", "11", "--json"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.table.imported, false);
    for (const p of out.plans) assert.equal(Object.values(p.shares as Record<string, number>).reduce((a, b) => a + b, 0), 11, `${p.planner} shares sum to 11`);
    assert.match(r.stderr, /batch 11 is beyond the profiled sizes \(up to 8\)/);
    assert.equal(await count(store, "SELECT count(*) AS n FROM partition_plans WHERE batch = 11"), 6, "3 planners x 2 units stored");
    // A unit the table has no times for is refused, by name.
    const missing = await cli(["partition", "plan", "--model", "tiny_cnn", "--batch", "8", "--units", "cpu:1,wasm:1"], {env: env()});
    assert.equal(missing.code, 1);
    assertOneLineError(missing.stderr);
    assert.match(missing.stderr, /unit 'wasm:1' has no measured times in the profile of tiny_cnn/);
  });

  it("run executes the split in parallel and compares it with prediction and the best single unit", async () => {
    const r = await cli(["partition", "run", "--model", "tiny_cnn", "--batch", "8", "--units", "cpu:1,cpu:1", "--planner", "optimal,proportional", "--runs", "3", "--baseline", "cpu:2", "--json"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /using profile run/, "reuses the stored profile");
    const out = JSON.parse(r.stdout);
    assert.equal(out.cores >= 1, true);
    const keys = out.results.map((s: {key: string}) => s.key);
    assert.deepEqual(keys, ["single cpu:1", "single cpu:1#2", "baseline cpu:2", "proportional", "optimal"]);
    const rows = await queryStore("SELECT * FROM partition_runs ORDER BY row_kind, planner, unit", {root: store});
    const split = rows.filter((x) => x.row_kind === "split" && x.planner === "optimal");
    assert.equal(split.length, 2);
    assert.equal(split.reduce((a, x) => a + (x.share as number), 0), 8);
    for (const x of split) {
      assert.equal((x.makespan_samples_ms as number[]).length, 3);
      assert.ok((x.makespan_median_ms as number) > 0 && Number.isFinite(x.reduction_pct) && Number.isFinite(x.prediction_error_pct));
      if ((x.share as number) > 0) assert.ok((x.unit_median_ms as number) <= (x.makespan_median_ms as number) + 1e-9, "no unit finishes after the makespan");
    }
    const singles = rows.filter((x) => x.row_kind === "single");
    const best = Math.min(...singles.map((x) => x.makespan_median_ms as number));
    assert.equal(split[0].best_single_ms, best, "best single unit is the fastest measured alone");
    assert.equal(rows.filter((x) => x.row_kind === "baseline").length, 1);
    assert.equal(await count(store, "SELECT count(*) AS n FROM runs WHERE kind = 'partition run' AND status = 'ok'"), 1);
  });

  it("run profiles first when the store has no table for these units", async () => {
    const r = await cli(["partition", "run", "--model", "tiny_cnn", "--batch", "3", "--units", "cpu:2", "--runs", "2", "--profile-runs", "2"], {env: env()});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /profiling now/);
    assert.match(r.stdout, /^optimal \(same as single cpu:2\)\s+3\s/m, "a one-unit split is that unit's single run");
    assert.equal(await count(store, "SELECT count(DISTINCT run_id) AS n FROM partition_profiles WHERE units = 'cpu:2'"), 1, "the profile it made is stored");
  });
});

describe("partition plan --table (imported)", () => {
  let store: string;
  before(async () => {
    store = await tempDir("inferscope-partition-import-");
  });

  it("plans on a CSV from elsewhere, interpolating a missing size, and stores it marked imported", async () => {
    const csv = join(store, "jetson.csv");
    // gpu is missing batch 3 (interpolated between 2 and 4); cpu was measured at 1 and 4 only.
    await writeFile(csv, "unit,batch,ms\ngpu,1,10\ngpu,2,11\ngpu,4,13\ngpu,8,17\ncpu,1,6\ncpu,4,24\n");
    const r = await cli(["partition", "plan", "--table", csv, "--batch", "8", "--json"], {env: {INFERSCOPE_STORE: store}});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model, "jetson");
    assert.equal(out.table.imported, true);
    const opt = out.plans.find((p: {planner: string}) => p.planner === "optimal");
    // gpu 6 items = 15 ms (between 4 and 8) and cpu 2 = 12 ms (between 1 and 4) beat gpu alone (17 ms).
    assert.deepEqual(opt.shares, {gpu: 6, cpu: 2});
    assert.equal(opt.predicted_makespan_ms, 15);
    assert.equal(out.best_single.unit, "gpu");
    const plans = await queryStore("SELECT DISTINCT imported, source_file FROM partition_plans", {root: store});
    assert.deepEqual(plans, [{imported: true, source_file: csv}]);
    assert.equal(await count(store, "SELECT count(*) AS n FROM partition_profiles WHERE imported"), 6);
    // Text output says it is imported.
    const text = await cli(["partition", "plan", "--table", csv, "--batch", "5"], {env: {INFERSCOPE_STORE: store}});
    assert.match(text.stdout, /table imported from .*jetson\.csv.*\[imported\]/);
  });

  it("refuses a unit with no data, and a malformed table, storing nothing", async () => {
    const empty = await tempDir("inferscope-partition-refuse-");
    const noData = join(empty, "nodata.csv");
    await writeFile(noData, "unit,batch,ms\ngpu,1,4\ngpu,2,5\nnpu,1,\nnpu,2,\n");
    let r = await cli(["partition", "plan", "--table", noData, "--batch", "4"], {env: {INFERSCOPE_STORE: empty}});
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr.split("\n").filter((l) => !l.startsWith("warning:")).join("\n"));
    assert.match(r.stderr, /unit 'npu' has no measured times in .*nodata\.csv/);
    // Leaving it out works.
    r = await cli(["partition", "plan", "--table", noData, "--batch", "4", "--units", "gpu"], {env: {INFERSCOPE_STORE: empty}});
    assert.equal(r.code, 0, r.stderr);
    const before = await count(empty, "SELECT count(*) AS n FROM partition_plans");

    const bad = join(empty, "bad.csv");
    await writeFile(bad, "unit,batch,ms\ngpu,1,4\ngpu,2.5,5\n");
    r = await cli(["partition", "plan", "--table", bad, "--batch", "4"], {env: {INFERSCOPE_STORE: empty}});
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /bad\.csv:3: batch '2\.5' is not a positive whole number/);
    assert.equal(await count(empty, "SELECT count(*) AS n FROM partition_plans"), before, "nothing stored by the failed imports");
    assert.equal(await count(empty, "SELECT count(*) AS n FROM runs"), 1, "only the good import left a run");
  });

  it("plan without a stored profile, bad units, bad planners and a broken model are one-line errors", async () => {
    const empty = await tempDir("inferscope-partition-errors-");
    const broken = join(empty, "broken.onnx");
    await writeFile(broken, "this is not a protobuf");
    for (const [args, pattern] of [
      [["partition", "plan", "--model", "tiny_cnn", "--batch", "4"], /the store has no performance table for tiny_cnn/],
      [["partition", "profile", "--model", "tiny_cnn", "--units", "tpu:1"], /'tpu:1' is not a unit/],
      [["partition", "run", "--model", "tiny_cnn", "--batch", "4", "--planner", "best"], /unknown planner 'best'/],
      [["partition", "plan", "--model", "tiny_cnn", "--batch", "0"], /--batch: '0' is not a positive whole number/],
      [["partition", "profile", "--model", broken, "--units", "cpu:1", "--max-batch", "2"], /unit cpu:1 cannot load the model: /]
    ] as const) {
      const r = await cli([...args], {env: {INFERSCOPE_STORE: empty}});
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      // Commands that got as far as starting say what they start on one log line first.
      assertOneLineError(r.stderr.split("\n").filter((l) => !/^partition (profile|run): /.test(l)).join("\n"));
      assert.match(r.stderr, pattern);
    }
    // The profile that could not load its model is recorded as a failed run, with why.
    const failed = await queryStore("SELECT kind, status, error FROM runs", {root: empty});
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, "failed");
    assert.match(String(failed[0].error), /cannot load the model/);
  });
});
