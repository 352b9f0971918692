// `inferscope runs compare` on runs written into a temporary store: a run slower by a known factor is
// flagged on every configuration, a run drawn from the same distribution is not, small but real
// changes stay under the threshold, and the CLI prints the same numbers as stable JSON.
import assert from "node:assert/strict";
import {before, describe, it} from "node:test";
import {compareRuns, type Change} from "../../../loaders/history/compare.ts";
import {historyPoints, historyTable} from "../../../loaders/history/series.ts";
import {benchRowsOf, resolveRunId} from "../../../loaders/history/runs.ts";
import {benchResults} from "../../../loaders/store/datasets.ts";
import {appendRows, finishRun, newRun, type Run} from "../../../loaders/store/store.ts";
import {assertOneLineError, cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {CONFIGS, configId, HOST, OTHER_HOST, writeRun} from "./fixtures.ts";

const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d, 3, 30));

async function compare(root: string, a: Run, b: Run, options: Parameters<typeof compareRuns>[2] = {}) {
  const rows = await benchRowsOf([a.run_id, b.run_id], {root});
  return compareRuns(rows.filter((r) => r.run_id === a.run_id), rows.filter((r) => r.run_id === b.run_id), options);
}

const verdicts = (changes: Change[]) => changes.map((c) => c.verdict);

describe("runs compare", () => {
  let root: string;
  let base: Run, same: Run, slower: Run, faster: Run, other: Run, few: Run;

  before(async () => {
    root = await tempDir("inferscope-history-");
    base = await writeRun(root, {seed: 1, at: day(0)});
    same = await writeRun(root, {seed: 2, at: day(1)});
    slower = await writeRun(root, {seed: 3, factor: 1.2, at: day(2)});
    faster = await writeRun(root, {seed: 4, factor: 0.85, at: day(3)});
    other = await writeRun(root, {seed: 5, factor: 1.5, at: day(4), host: OTHER_HOST});
    few = await writeRun(root, {seed: 6, factor: 1.5, n: 3, at: day(5)});
  });

  it("flags a run 20% slower as a regression on every configuration, with the change inside its interval", async () => {
    const {changes} = await compare(root, base, slower);
    assert.equal(changes.length, CONFIGS.length);
    assert.deepEqual(verdicts(changes), CONFIGS.map(() => "regression"));
    for (const c of changes) {
      assert.ok(c.ci_low_pct > 5 && c.ci_low_pct <= c.change_pct && c.change_pct <= c.ci_high_pct, `${c.config_id}: ${c.change_pct} in [${c.ci_low_pct}, ${c.ci_high_pct}]`);
      assert.ok(c.ci_low_pct < 20 && 20 < c.ci_high_pct, `${c.config_id}: the true change (+20%) is inside [${c.ci_low_pct}, ${c.ci_high_pct}]`);
      assert.ok(Math.abs(c.change_pct - 20) < 8, `${c.config_id}: measured ${c.change_pct}`);
      assert.ok(c.significant && c.p_value < 1e-4);
      assert.equal(c.a_n, 30);
    }
  });

  it("does not flag two runs drawn from the same distribution", async () => {
    for (const [a, b] of [[base, same], [same, base]]) {
      const {changes} = await compare(root, a, b);
      assert.deepEqual(verdicts(changes), CONFIGS.map(() => "unchanged"));
      for (const c of changes) assert.ok(c.ci_low_pct < 0 && c.ci_high_pct > 0, `${c.config_id}: [${c.ci_low_pct}, ${c.ci_high_pct}] holds 0`);
    }
  });

  it("flags a run 15% faster as an improvement", async () => {
    const {changes} = await compare(root, same, faster);
    assert.deepEqual(verdicts(changes), CONFIGS.map(() => "improvement"));
    for (const c of changes) assert.ok(c.ci_high_pct < -5, `${c.config_id}: ${c.ci_high_pct}`);
  });

  it("a real 3% slowdown is significant with many samples but stays under the 5% threshold", async () => {
    const r = await tempDir("inferscope-history-");
    const a = await writeRun(r, {seed: 11, n: 400, cv: 0.02, at: day(0)});
    const b = await writeRun(r, {seed: 12, n: 400, cv: 0.02, factor: 1.03, at: day(1)});
    const at5 = await compare(r, a, b);
    assert.ok(at5.changes.every((c) => c.significant && c.ci_low_pct > 0), "the interval excludes no change");
    assert.deepEqual(verdicts(at5.changes), CONFIGS.map(() => "unchanged"), "but 3% is under the threshold");
    const at1 = await compare(r, a, b, {threshold_pct: 1});
    assert.deepEqual(verdicts(at1.changes), CONFIGS.map(() => "regression"));
  });

  it("matches configurations on the same host unless anyHost", async () => {
    const strict = await compare(root, slower, other);
    assert.equal(strict.changes.length, 0);
    assert.equal(strict.only_in_a.length, CONFIGS.length);
    assert.ok(strict.only_in_b.every((s) => s.endsWith("on jetson-orin-2")), strict.only_in_b.join());
    const loose = await compare(root, slower, other, {anyHost: true});
    assert.equal(loose.changes.length, CONFIGS.length);
    assert.ok(loose.changes.every((c) => c.a_host === "lab-gpu-07" && c.b_host === "jetson-orin-2" && c.verdict === "regression"));
  });

  it("gives no verdict on fewer than 5 samples, and skips failed configurations", async () => {
    assert.deepEqual(verdicts((await compare(root, base, few)).changes), CONFIGS.map(() => "insufficient"));
    const r = await tempDir("inferscope-history-");
    const a = await writeRun(r, {seed: 1, at: day(0), configs: CONFIGS.slice(0, 2)});
    const run = newRun("bench", {}, {host: HOST, now: day(1)});
    await appendRows(benchResults, [
      {config_id: configId(CONFIGS[0]), model: "mobilenet_v1", model_source: "zoo", runtime: "ort-cpu", device: "cpu", threads: 1, batch: 1, opt_level: "all", status: "failed", error: "child process crashed (SIGSEGV)", imported: false}
    ], run, {root: r});
    await finishRun(run, {status: "ok", rows_written: 1}, {root: r});
    const result = await compare(r, a, run);
    assert.equal(result.changes.length, 0);
    assert.deepEqual(result.without_samples.map((w) => w.reason), ["status failed: child process crashed (SIGSEGV)"]);
  });

  it("the History page's points flag each run against the previous one on the same host, as runs compare does", async () => {
    const points = await historyPoints({root});
    const series = points.filter((p) => p.config_id === configId(CONFIGS[2]) && p.host_id === HOST.host_id);
    assert.deepEqual(series.map((p) => p.run_id), [base, same, slower, faster, few].map((r) => r.run_id), "in time order, the other host apart");
    assert.deepEqual(series.map((p) => p.verdict), [null, "unchanged", "regression", "improvement", "insufficient"]);
    const vsCompare = (await compare(root, same, slower)).changes.find((c) => c.config_id === configId(CONFIGS[2]))!;
    assert.equal(series[2].change_pct, vsCompare.change_pct);
    assert.equal(series[2].change_ci_low_pct, vsCompare.ci_low_pct);
    assert.equal(series[2].prev_run_id, same.run_id);
    for (const p of series) assert.ok(p.ci_low_ms <= p.median_ms && p.median_ms <= p.ci_high_ms);
    assert.equal(series[0].series, "2 threads · batch 1 · opt all · lab-gpu-07", "two hosts ran resnet50 on ort-cpu: the host is named");
    const table = historyTable(points);
    assert.equal(table.numRows, points.length);
    assert.equal(historyTable([]).schema.fields.length, table.schema.fields.length, "typed even when empty");
  });

  it("is deterministic: the same runs give the same intervals", async () => {
    const one = await compare(root, base, slower);
    const two = await compare(root, base, slower);
    assert.deepEqual(one, two);
  });

  it("resolves latest, previous and unique prefixes among benchmark runs", async () => {
    assert.equal(await resolveRunId("latest", {root, benchOnly: true}), few.run_id);
    assert.equal(await resolveRunId("previous", {root, benchOnly: true}), other.run_id);
    assert.equal(await resolveRunId(slower.run_id.slice(0, 10), {root}), slower.run_id);
    await assert.rejects(resolveRunId("2025", {root}), /matches several runs/);
    await assert.rejects(resolveRunId("20990101", {root}), /no run '20990101'/);
  });

  it("the CLI prints stable JSON, flags the slower run, and --fail-on-regression exits 3", async () => {
    const env = {INFERSCOPE_STORE: root};
    const r = await cli(["runs", "compare", base.run_id, slower.run_id, "--json"], {env});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["a", "b", "threshold_pct", "confidence", "resamples", "method", "any_host", "changes", "only_in_a", "only_in_b", "without_samples", "summary"]);
    assert.deepEqual(out.summary, {regression: CONFIGS.length, improvement: 0, unchanged: 0, insufficient: 0});
    assert.equal(out.a.run_id, base.run_id);
    assert.equal(out.b.host_name, "lab-gpu-07");
    const library = (await compare(root, base, slower)).changes;
    assert.deepEqual(out.changes.map((c: Change) => [c.config_id, c.change_pct, c.ci_low_pct, c.ci_high_pct]), library.map((c) => [c.config_id, c.change_pct, c.ci_low_pct, c.ci_high_pct]), "the CLI and the library agree");
    const fail = await cli(["runs", "compare", base.run_id.slice(0, 12), slower.run_id.slice(0, 12), "--fail-on-regression"], {env});
    assert.equal(fail.code, 3, fail.stderr);
    assert.match(fail.stdout, /mobilenet_v1\|ort-cpu\|t1\|b1\|all .* REGRESSION/);
    assert.match(fail.stdout, /5 regressions, 0 improvements, 0 unchanged/);
    const ok = await cli(["runs", "compare", base.run_id, same.run_id, "--fail-on-regression"], {env});
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /0 regressions, 0 improvements, 5 unchanged/);
  });

  it("the CLI explains runs on different hosts and unknown runs in one line", async () => {
    const env = {INFERSCOPE_STORE: root};
    const hosts = await cli(["runs", "compare", slower.run_id, other.run_id], {env});
    assert.equal(hosts.code, 1);
    assertOneLineError(hosts.stderr);
    assert.match(hosts.stderr, /different hosts: lab-gpu-07 and jetson-orin-2/);
    assert.match(hosts.stderr, /--any-host/);
    const missing = await cli(["runs", "compare", "20990101T000000Z-x", "latest"], {env});
    assert.equal(missing.code, 1);
    assertOneLineError(missing.stderr);
  });

  it("runs list and runs show describe the stored runs", async () => {
    const env = {INFERSCOPE_STORE: root};
    const list = await cli(["runs", "list", "--limit", "3"], {env});
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split("\n");
    assert.equal(lines.length, 4, list.stdout);
    assert.ok(lines[1].startsWith(few.run_id) && lines[3].startsWith(faster.run_id), "newest first");
    const json = JSON.parse((await cli(["runs", "list", "--json", "--limit", "0"], {env})).stdout);
    assert.equal(json.runs.length, 6);
    const show = await cli(["runs", "show", slower.run_id], {env});
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /status +ok/);
    assert.match(show.stdout, /host +lab-gpu-07 \(a1b2c3d4e5f6\): Intel\(R\) Xeon\(R\) Gold 6130, 32 cores/);
    assert.match(show.stdout, /wrote +5 rows in bench_results/);
    assert.match(show.stdout, /resnet50\|ort-cpu\|t2\|b1\|disabled +ok +\d+\.\d +\d+\.\d/);
  });
});
