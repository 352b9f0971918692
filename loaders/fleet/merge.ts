// Merge a device's temporary store (brought back as a tar) into the local store. Every stored row is
// self-contained (run id, time, host fingerprint), so the device's runs land as they are, keeping its
// host fingerprint; each run record gains a `fleet` field saying which device and fleet run it came
// from. Read and checked in full first; written per device as a unit (all its files or none).

import {DuckDBInstance} from "@duckdb/node-api";
import {execa} from "execa";
import {existsSync, readdirSync} from "node:fs";
import {mkdir, rm} from "node:fs/promises";
import {join} from "node:path";
import {UserError} from "../common/errors.ts";
import {withStoreLock} from "../history/lock.ts";
import type {HostFingerprint} from "../host/fingerprint.ts";
import {DATASETS, runs as runsDataset} from "../store/datasets.ts";
import {firstRowError} from "../store/parquet.ts";
import {sqlString, type Dataset} from "../store/schema.ts";
import {allColumns, appendRows, datasetFiles, queryStore, type Run} from "../store/store.ts";

export interface FetchedRun {
  run: Run;
  /** The device's own run records (usually one), as stored there. */
  records: Record<string, unknown>[];
  writes: {dataset: Dataset; rows: Record<string, unknown>[]}[];
  rows: number;
}

export interface FetchedStore {
  runs: FetchedRun[];
  /** Things skipped, for the user (unknown datasets from a newer inferscope, unfinished runs). */
  notes: string[];
}

/** Unpack a device's tar into `dir`; the store is then `dir/store`. */
export async function unpackStore(tarFile: string, dir: string): Promise<string> {
  await mkdir(dir, {recursive: true});
  // GNU tar refuses members with '..' and strips leading '/', so nothing lands outside `dir`.
  const r = await execa("tar", ["-xf", tarFile, "-C", dir, "--no-same-owner", "--no-same-permissions"], {reject: false});
  if (r.exitCode !== 0) throw new UserError(`the data sent back is not a readable tar stream (${String(r.stderr).trim().split("\n")[0] || `tar exit ${r.exitCode}`})`);
  const store = join(dir, "store");
  if (!existsSync(store)) throw new UserError("the data sent back holds no store");
  return store;
}

async function readDataset(d: Dataset, files: string[]): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet([${files.map(sqlString).join(", ")}], union_by_name = true, hive_partitioning = false)`);
    const names = new Set(reader.columnNames());
    const missing = allColumns(d).filter((c) => !c.nullable && !names.has(c.name)).map((c) => c.name);
    if (missing.length) throw new UserError(`${d.name}: missing column${missing.length > 1 ? "s" : ""} ${missing.slice(0, 6).join(", ")}${missing.length > 6 ? `, ... (${missing.length} in all)` : ""} (an incompatible inferscope version on the device?)`);
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    const error = firstRowError(allColumns(d), rows);
    if (error) throw new UserError(`${d.name}: ${error.replace(/^row (\d+)/, (_, i) => `row ${Number(i) + 1}`)}`);
    return rows;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${d.name}: not readable Parquet (${(error as Error).message.split("\n")[0]})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function hostOf(row: Record<string, unknown>): HostFingerprint {
  const {host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs} = row;
  return {host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs} as HostFingerprint;
}

/** Read and check every dataset of a fetched store, grouped by run. */
export async function readFetchedStore(root: string): Promise<FetchedStore> {
  const notes: string[] = [];
  for (const name of readdirSync(root)) {
    if (!DATASETS[name] && !name.startsWith(".")) notes.push(`dataset ${name} is unknown here (a newer inferscope on the device?): skipped`);
  }
  const byRun = new Map<string, FetchedRun>();
  const records = new Map<string, Record<string, unknown>[]>();
  for (const d of Object.values(DATASETS)) {
    const files = datasetFiles(d.name, root);
    if (files.length === 0) continue;
    const rows = await readDataset(d, files);
    for (const row of rows) {
      const id = row.run_id as string;
      if (d === runsDataset) {
        records.set(id, [...(records.get(id) ?? []), row]);
        continue;
      }
      let run = byRun.get(id);
      if (!run) byRun.set(id, (run = {run: runFromRow(row), records: [], writes: [], rows: 0}));
      let w = run.writes.find((x) => x.dataset === d);
      if (!w) run.writes.push((w = {dataset: d, rows: []}));
      w.rows.push(row);
      run.rows++;
    }
  }
  for (const [id, recs] of records) {
    let run = byRun.get(id);
    if (!run) byRun.set(id, (run = {run: runFromRow(recs[0]), records: [], writes: [], rows: 0}));
    run.records = recs;
    const first = recs[0];
    run.run = {...run.run, kind: String(first.kind), command: String(first.command), config: parseConfig(first.config)};
  }
  const out: FetchedRun[] = [];
  for (const [id, run] of byRun) {
    // A run with rows but no record did not finish on the device (it was stopped): not merged.
    if (run.records.length === 0) notes.push(`run ${id} has no run record (it did not finish there): skipped`);
    else out.push(run);
  }
  out.sort((a, b) => a.run.collected_at.getTime() - b.run.collected_at.getTime());
  return {runs: out, notes};
}

function runFromRow(row: Record<string, unknown>): Run {
  return {run_id: row.run_id as string, collected_at: row.collected_at as Date, host: hostOf(row), kind: "", command: "", config: {}};
}

function parseConfig(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
}

export interface Provenance {
  device: string;
  destination: string;
  fleet_run_id: string;
  mode: string;
  image?: string;
  args: string;
}

export interface MergedRun {
  run_id: string;
  kind: string;
  host_id: string;
  host_name: string;
  /** Rows written (0 when the run was already in the store). */
  rows: number;
  skipped: boolean;
}

/** Write a device's runs into the local store, all or nothing; runs already there are skipped. */
export async function mergeFetched(fetched: FetchedStore, provenance: Provenance, {root}: {root?: string} = {}): Promise<MergedRun[]> {
  return withStoreLock(async () => {
    const present = new Set((await queryStore("SELECT DISTINCT run_id FROM runs", {root})).map((r) => r.run_id as string));
    const written: string[] = [];
    const merged: MergedRun[] = [];
    try {
      for (const f of fetched.runs) {
        const {run} = f;
        const info = {run_id: run.run_id, kind: run.kind, host_id: run.host.host_id, host_name: run.host.host_name};
        if (present.has(run.run_id)) {
          merged.push({...info, rows: 0, skipped: true});
          continue;
        }
        for (const w of f.writes) {
          const path = await appendRows(w.dataset, w.rows as never, run, {root});
          if (path) written.push(path);
        }
        const records = f.records.map((r) => {
          const config = parseConfig(r.config);
          const withFleet = typeof config === "object" && config !== null && !Array.isArray(config) ? {...config, fleet: provenance} : {value: config, fleet: provenance};
          return {...r, config: JSON.stringify(withFleet)};
        });
        const path = await appendRows(runsDataset, records as never, run, {root});
        if (path) written.push(path);
        merged.push({...info, rows: f.rows, skipped: false});
      }
    } catch (error) {
      await Promise.all(written.map((p) => rm(p, {force: true})));
      throw error;
    }
    return merged;
  }, {root});
}
