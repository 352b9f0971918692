// Merging a device's store: its runs land with its host fingerprint and the fleet provenance; runs
// already here are skipped; unfinished runs and damaged files never land half-way.
import assert from "node:assert/strict";
import {execa} from "execa";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import type {HostFingerprint} from "../../../loaders/host/fingerprint.ts";
import {mergeFetched, readFetchedStore, unpackStore} from "../../../loaders/fleet/merge.ts";
import {benchResults} from "../../../loaders/store/datasets.ts";
import type {RowOf} from "../../../loaders/store/schema.ts";
import {appendRows, datasetFiles, finishRun, newRun, queryStore} from "../../../loaders/store/store.ts";
import {tempDir} from "../../helpers/tmp.ts";

const DEVICE: HostFingerprint = {host_id: "d3v1ce0000ab", host_name: "nano-01", host_cpu: "ARMv8 Processor rev 1 (v8l)", host_cores: 4, host_memory_gb: 3.9, host_os: "Ubuntu 20.04 (Linux 4.9.337-tegra arm64)", host_node: "v20.11.0", host_libs: "{}"};
const provenance = {device: "nano", destination: "lab-nano", fleet_run_id: "F1", mode: "npm", args: "bench"};

function row(model: string, median: number): RowOf<typeof benchResults> {
  return {config_id: `${model}|ort-cpu|t4|b1|all`, model, model_source: "zoo", runtime: "ort-cpu", device: "cpu", threads: 4, batch: 1, opt_level: "all", status: "ok", imported: false, median_ms: median, samples_ms: [median, median + 1]};
}

/** A device's store as `inferscope bench` leaves it: one finished run, and optionally one that never finished. */
async function deviceStore({unfinished = false} = {}): Promise<string> {
  const root = join(await tempDir("inferscope-device-"), "store");
  const run = newRun("bench", {models: ["tiny_cnn"]}, {host: DEVICE, now: new Date("2026-11-20T10:00:00Z")});
  await appendRows(benchResults, [row("tiny_cnn", 5.5), row("mobilenet_v1", 40.25)], run, {root});
  await finishRun(run, {status: "ok", rows_written: 2}, {root});
  if (unfinished) await appendRows(benchResults, [row("resnet50", 300)], newRun("bench", {}, {host: DEVICE, now: new Date("2026-11-20T11:00:00Z")}), {root});
  return root;
}

describe("merging a device's store", () => {
  it("lands its runs with the device's fingerprint and the fleet provenance; a second merge skips them", async () => {
    const local = await tempDir("inferscope-store-");
    const fetched = await readFetchedStore(await deviceStore({unfinished: true}));
    assert.equal(fetched.runs.length, 1);
    assert.match(fetched.notes.join("\n"), /has no run record \(it did not finish there\): skipped/);
    const merged = await mergeFetched(fetched, provenance, {root: local});
    assert.deepEqual(merged.map((m) => [m.kind, m.host_name, m.rows, m.skipped]), [["bench", "nano-01", 2, false]]);
    const rows = await queryStore("SELECT model, median_ms, samples_ms, host_id, host_name, host_cpu, collected_at FROM bench_results ORDER BY model", {root: local});
    assert.deepEqual(rows.map((r) => [r.model, r.median_ms, r.host_id, r.host_name]), [["mobilenet_v1", 40.25, DEVICE.host_id, "nano-01"], ["tiny_cnn", 5.5, DEVICE.host_id, "nano-01"]]);
    assert.deepEqual(rows[1].samples_ms, [5.5, 6.5]);
    assert.equal((rows[0].collected_at as Date).toISOString(), "2026-11-20T10:00:00.000Z");
    const [run] = await queryStore("SELECT kind, status, config, host_cpu FROM runs", {root: local});
    assert.equal(run.kind, "bench");
    assert.equal(run.host_cpu, DEVICE.host_cpu);
    assert.deepEqual(JSON.parse(run.config), {models: ["tiny_cnn"], fleet: provenance});
    const again = await mergeFetched(fetched, provenance, {root: local});
    assert.deepEqual(again.map((m) => [m.rows, m.skipped]), [[0, true]]);
    const [{n}] = await queryStore("SELECT count(*) AS n FROM bench_results", {root: local});
    assert.equal(n, 2n);
  });

  it("a damaged file fails the device's merge before anything is written", async () => {
    const device = await deviceStore();
    const [file] = datasetFiles("bench_results", device);
    await writeFile(file, "PAR1 this is not parquet");
    await assert.rejects(readFetchedStore(device), /bench_results: not readable Parquet/);
  });

  it("a file from an incompatible version is refused with the missing columns named", async () => {
    const device = await deviceStore();
    const dir = join(device, "bench_results", "date=2026-11-20");
    const [good] = datasetFiles("bench_results", device);
    await execa("node", ["--input-type=module", "-e", `
      import {DuckDBInstance} from "@duckdb/node-api";
      const db = await DuckDBInstance.create(":memory:"); const c = await db.connect();
      await c.run("COPY (SELECT 'x' AS run_id, 'm' AS model) TO '${join(dir, "old-0.parquet")}' (FORMAT parquet)");
    `], {cwd: process.cwd()});
    // Beside a good file, the old one's rows lack the columns; alone, the file lacks them.
    await assert.rejects(readFetchedStore(device), /bench_results: row 3: column collected_at \(TIMESTAMP\) is required but missing/);
    await rm(good);
    await assert.rejects(readFetchedStore(device), /bench_results: missing columns collected_at, host_id, .*, \.\.\. \(\d+ in all\) \(an incompatible inferscope version/);
  });

  it("unpacks what the device sent, and refuses what is not a tar", async () => {
    const device = await deviceStore();
    const tar = join(await tempDir(), "d.tar");
    await execa("tar", ["-C", join(device, ".."), "-cf", tar, "store"]);
    const out = await tempDir();
    const store = await unpackStore(tar, join(out, "x"));
    assert.equal((await readFetchedStore(store)).runs.length, 1);
    const bad = join(out, "bad.tar");
    await mkdir(join(out, "y"));
    await writeFile(bad, "garbage".repeat(100));
    await assert.rejects(unpackStore(bad, join(out, "y")), /not a readable tar stream/);
  });
});
