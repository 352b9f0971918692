// Unattended runs: a collector that fails midway leaves the store as it was (readable, every earlier
// file byte for byte) plus a failed run record with the error; logs go to <log dir>/<run_id>.log.
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {existsSync, readFileSync} from "node:fs";
import {readdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {UserError} from "../../../loaders/common/errors.ts";
import {LOCK_FILE} from "../../../loaders/history/lock.ts";
import {unattended} from "../../../loaders/history/session.ts";
import {DATASETS, benchResults} from "../../../loaders/store/datasets.ts";
import {appendRows, datasetFiles, newRun, queryStore} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {CONFIGS, configId, HOST, writeRun} from "./fixtures.ts";

/** Every store file with a hash of its bytes. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(DATASETS)) for (const f of datasetFiles(name, root)) out[f] = createHash("sha256").update(readFileSync(f)).digest("hex");
  return out;
}

const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d, 3, 30));

describe("unattended runs", () => {
  it("a bench failing midway (after its results were written) leaves the earlier store unchanged and records the failure", async () => {
    const root = await tempDir("inferscope-session-");
    const good = await writeRun(root, {seed: 1, at: day(0)});
    const before = snapshot(root);
    // --export into a path under a regular file: the export fails after bench_results were appended.
    const blocker = join(root, "not-a-folder");
    await writeFile(blocker, "x");
    const r = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3", "--export", join(blocker, "out.parquet")], {env: {INFERSCOPE_STORE: root}});
    assert.notEqual(r.code, 0, "the run fails");
    assert.match(r.stderr, /bench \[1\/1\] tiny_cnn/, "it had measured before failing");
    const after = snapshot(root);
    for (const [f, hash] of Object.entries(before)) assert.equal(after[f], hash, `${f} unchanged`);
    const added = Object.keys(after).filter((f) => !(f in before));
    assert.equal(added.length, 1, `only the failure record was added: ${added}`);
    assert.match(added[0], /\/runs\/date=/);
    // Readable, with the same data, and the failure recorded under the failed run's own id.
    const results = await queryStore("SELECT run_id, config_id FROM bench_results ORDER BY config_id", {root});
    assert.deepEqual(results.map((x) => x.config_id), CONFIGS.map(configId).sort());
    assert.ok(results.every((x) => x.run_id === good.run_id));
    const runs = await queryStore("SELECT run_id, kind, status, error, rows_written FROM runs ORDER BY collected_at", {root});
    assert.equal(runs.length, 2);
    assert.equal(runs[1].status, "failed");
    assert.equal(runs[1].kind, "bench");
    assert.match(runs[1].error, /ENOTDIR|EEXIST|not a directory/i);
    assert.match(runs[1].error, /partial data was removed/);
    assert.match(runs[1].run_id, /^\d{8}T\d{6}Z-[0-9a-f]{6}-[0-9a-f]{4}$/, "the bench run's own id");
    assert.notEqual(runs[1].run_id, good.run_id);
    assert.ok(!existsSync(join(root, LOCK_FILE)), "the lock was given back");
  });

  it("in-process: a failure after a partial write removes it; a command-line mistake before writing records nothing", async () => {
    const root = await tempDir("inferscope-session-");
    await writeRun(root, {seed: 1, at: day(0)});
    const before = snapshot(root);
    let partial = "";
    await assert.rejects(
      unattended("collect", {root}, async (session) => {
        await session.begin();
        const run = newRun("bench", {}, {host: HOST, now: day(1)});
        partial = run.run_id;
        const [c] = CONFIGS;
        await appendRows(benchResults, [{config_id: configId(c), model: c.model, model_source: "zoo", runtime: c.runtime, device: "cpu", threads: c.threads, batch: 1, opt_level: c.opt_level, status: "ok", imported: false, samples_ms: [1, 2, 3], median_ms: 2}], run, {root});
        throw new TypeError("Cannot read properties of undefined (reading 'samples')");
      }),
      TypeError
    );
    const after = snapshot(root);
    for (const [f, hash] of Object.entries(before)) assert.equal(after[f], hash);
    assert.deepEqual(datasetFiles("bench_results", root).length, 1, "the partial part is gone");
    const failed = await queryStore("SELECT run_id, kind, status, error, collected_at FROM runs WHERE status = 'failed'", {root});
    assert.equal(failed.length, 1);
    assert.equal(failed[0].run_id, partial);
    assert.equal(failed[0].kind, "collect");
    assert.equal(new Date(failed[0].collected_at).toISOString(), day(1).toISOString(), "its own start time, from the rows it wrote");
    assert.match(failed[0].error, /^TypeError: Cannot read properties/);

    await assert.rejects(unattended("bench", {root}, async (session) => {
      await session.begin();
      throw new UserError("unknown zoo model 'mobilenet_v9'");
    }), UserError);
    assert.equal((await queryStore("SELECT count(*)::INT AS n FROM runs", {root}))[0].n, 2, "a usage error writes no run record");
  });

  it("logs a run to <log dir>/<run_id>.log with timestamps, and a logged failure is always recorded", async () => {
    const root = await tempDir("inferscope-session-");
    const logs = await tempDir("inferscope-logs-");
    const env = {INFERSCOPE_STORE: root, INFERSCOPE_LOG: "1", INFERSCOPE_LOG_DIR: logs};
    const r = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3"], {env});
    assert.equal(r.code, 0, r.stderr);
    const [run] = await queryStore("SELECT run_id FROM runs", {root});
    assert.deepEqual(await readdir(logs), [`${run.run_id}.log`]);
    const text = readFileSync(join(logs, `${run.run_id}.log`), "utf8");
    assert.match(text, /^\d\d:\d\d:\d\d # inferscope bench --models tiny_cnn/m);
    assert.match(text, /^\d\d:\d\d:\d\d bench \[1\/1\] tiny_cnn on ort-cpu/m);
    assert.match(text, new RegExp(`# ended ok \\| .* \\| runs ${run.run_id}`));
    assert.match(r.stderr, new RegExp(`log: .*${run.run_id}\\.log`));

    // Unattended, even a usage error is recorded (someone has to notice the schedule is broken).
    const bad = await cli(["collect", "--models", "mobilenet_v9"], {env});
    assert.equal(bad.code, 1);
    const [failed] = await queryStore("SELECT run_id, kind, error FROM runs WHERE status = 'failed'", {root});
    assert.equal(failed.kind, "collect");
    assert.match(failed.error, /unknown zoo model 'mobilenet_v9'/);
    const log = readFileSync(join(logs, `${failed.run_id}.log`), "utf8");
    assert.match(log, /inferscope: unknown zoo model 'mobilenet_v9'/);
    assert.match(log, /# failed: unknown zoo model/);
    // --log on the command line does the same without the variable.
    const flagged = await cli(["bench", "--models", "tiny_cnn", "--runtimes", "ort-cpu", "--threads", "1", "--opt", "all", "--runs", "3", "--log"], {env: {INFERSCOPE_STORE: root, INFERSCOPE_LOG_DIR: logs}});
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.equal((await readdir(logs)).filter((f) => f.endsWith(".log")).length, 3);
  });
});
