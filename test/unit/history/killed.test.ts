// A run killed outright (SIGKILL: no handler runs) leaves its lock and data files without a run
// record. The next writer takes the stale lock over, removes those files and the dead process's temp
// files, records the run as failed, and leaves everything older alone.
import assert from "node:assert/strict";
import {execa} from "execa";
import {existsSync, utimesSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, it} from "node:test";
import {fileURLToPath} from "node:url";
import {LOCK_FILE} from "../../../loaders/history/lock.ts";
import {kindOfCommand, recoverKilledRuns} from "../../../loaders/history/recover.ts";
import {datasetFiles, queryStore} from "../../../loaders/store/store.ts";
import {cli} from "../../helpers/cli.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {writeRun} from "./fixtures.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe("a run killed with SIGKILL", () => {
  it("is cleaned up by the next run: partial files removed, recorded as failed, older data untouched", async () => {
    const root = await tempDir("inferscope-killed-");
    const good = await writeRun(root, {seed: 1, at: new Date(Date.UTC(2025, 0, 1))});
    // An orphan from long before (e.g. copied in by hand): not the dead run's, so it stays.
    const old = await writeRun(root, {seed: 2, at: new Date(Date.UTC(2025, 0, 2)), record: false});
    const oldFile = datasetFiles("bench_results", root).find((f) => f.includes(old.run_id))!;
    utimesSync(oldFile, new Date(Date.UTC(2025, 0, 2)), new Date(Date.UTC(2025, 0, 2)));

    // A real process takes the lock in a session, writes a run's data, then hangs until killed.
    const script = `
      import {unattended} from ${JSON.stringify(here("../../../loaders/history/session.ts"))};
      import {writeRun} from ${JSON.stringify(here("./fixtures.ts"))};
      import {writeFileSync} from "node:fs";
      await unattended("bench", {}, async (session) => {
        await session.begin();
        const run = await writeRun(process.env.INFERSCOPE_STORE, {seed: 3, at: new Date(), record: false});
        writeFileSync(process.env.INFERSCOPE_STORE + "/bench_results/.half.parquet.tmp-" + process.pid + "-abc123", "half a file");
        process.stdout.write(run.run_id + "\\n");
        await new Promise(() => setInterval(() => {}, 1000));
      });`;
    const child = execa(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "--", "inferscope", "bench", "--models", "tiny_cnn"], {env: {INFERSCOPE_STORE: root}, reject: false});
    const killedId = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c) => {
        out += c;
        if (out.includes("\n")) resolve(out.trim());
      });
      void child.then((r) => reject(new Error(`the child ended early: ${r.stderr}`)));
    });
    const temp = join(root, "bench_results", `.half.parquet.tmp-${child.pid}-abc123`);
    assert.ok(existsSync(join(root, LOCK_FILE)) && existsSync(temp));
    assert.ok(datasetFiles("bench_results", root).some((f) => f.includes(killedId)), "its partial data is in the store");
    child.kill("SIGKILL");
    assert.equal((await child).signal, "SIGKILL");
    assert.ok(existsSync(join(root, LOCK_FILE)), "SIGKILL leaves the lock behind");

    // The next run: a real import through the CLI.
    const csv = join(root, "latency.csv");
    writeFileSync(csv, "model,runtime,device,latency_ms\nmobilenet_v1,tflite,rpi4,70\n");
    const next = await cli(["import", "latency", csv], {env: {INFERSCOPE_STORE: root}});
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /took over a stale store lock/);
    assert.match(next.stderr, /was killed mid-run: removed 1 partial data file\(s\) of 1 unfinished run\(s\) and 1 temporary file\(s\)/);
    assert.ok(!datasetFiles("bench_results", root).some((f) => f.includes(killedId)), "the partial data is gone");
    assert.ok(!existsSync(temp), "its temporary file is gone");
    assert.ok(existsSync(oldFile), "an orphan older than the dead run is left alone");
    const runs = await queryStore<{run_id: string; kind: string; status: string; error: string | null}>("SELECT run_id, kind, status, error FROM runs ORDER BY collected_at", {root});
    const killed = runs.find((r) => r.run_id === killedId);
    assert.ok(killed, `the killed run has a record: ${JSON.stringify(runs)}`);
    assert.equal(killed.status, "failed");
    assert.equal(killed.kind, "bench");
    assert.match(killed.error ?? "", /^killed: `.*inferscope bench --models tiny_cnn` \(pid \d+ on .*\) ended without finishing/);
    assert.ok(runs.some((r) => r.run_id === good.run_id && r.status === "ok"), "the good run is as it was");
    const results = await queryStore<{run_id: string}>("SELECT DISTINCT run_id FROM bench_results WHERE NOT imported", {root});
    assert.deepEqual(results.map((r) => r.run_id).sort(), [good.run_id, old.run_id].sort());
    assert.ok(!existsSync(join(root, LOCK_FILE)), "the lock was given back");
  });

  it("a dead holder without a readable start time removes nothing", async () => {
    const root = await tempDir("inferscope-killed-");
    await writeRun(root, {seed: 4, at: new Date(), record: false});
    const files = datasetFiles("bench_results", root);
    assert.deepEqual(await recoverKilledRuns(root, {pid: 1, host: "h", started_at: "?", command: "inferscope bench", proc_start: null}), {runs: 0, files: 0});
    assert.deepEqual(datasetFiles("bench_results", root), files);
  });

  it("names the collector from the dead holder's command line", () => {
    assert.equal(kindOfCommand("inferscope bench --models x"), "bench");
    assert.equal(kindOfCommand("/usr/bin/node /opt/inferscope/bin/inferscope.js collect --log"), "collect");
    assert.equal(kindOfCommand("something else"), "something");
  });
});
