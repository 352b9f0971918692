// The store: append-only Parquet under data/store/<dataset>/date=YYYY-MM-DD/<run_id>-<part>.parquet.
// Writers never touch existing files; each append is a new part written temp-then-rename.
// Readers see each dataset as a DuckDB view over all its files (an empty typed view when there are none).

import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";
import {execFileSync} from "node:child_process";
import {randomBytes} from "node:crypto";
import {existsSync, readdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {hostFingerprint, type HostFingerprint} from "../host/fingerprint.ts";
import {DATASETS, runs as runsDataset} from "./datasets.ts";
import {writeParquetAtomic, type WriteHooks} from "./parquet.ts";
import {quoteIdent, RUN_COLUMNS, type Column, type Dataset, type RowOf} from "./schema.ts";

export const PROJECT_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The store directory: $INFERSCOPE_STORE, or data/store in the project. */
export function storeRoot(): string {
  return resolve(process.env.INFERSCOPE_STORE ?? join(PROJECT_ROOT, "data", "store"));
}

export interface Run {
  run_id: string;
  collected_at: Date;
  host: HostFingerprint;
  kind: string;
  command: string;
  config: unknown;
}

function compactTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export function newRun(kind: string, config: unknown = {}, {host = hostFingerprint(), now = new Date()}: {host?: HostFingerprint; now?: Date} = {}): Run {
  const run_id = `${compactTime(now)}-${host.host_id.slice(0, 6)}-${randomBytes(2).toString("hex")}`;
  return {run_id, collected_at: now, host, kind, command: ["inferscope", ...process.argv.slice(2)].join(" "), config};
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "ignore"]}).toString().trim() || null;
  } catch {
    return null;
  }
}

function runColumnValues(run: Run): Record<string, unknown> {
  const {host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs} = run.host;
  return {run_id: run.run_id, collected_at: run.collected_at, host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs};
}

export function allColumns(d: Dataset): readonly Column[] {
  return [...RUN_COLUMNS, ...d.columns];
}

/** Append rows of one dataset for a run as a new Parquet part; returns the file written. */
export async function appendRows<D extends Dataset>(
  d: D,
  rows: readonly RowOf<D>[],
  run: Run,
  {root = storeRoot(), hooks}: {root?: string; hooks?: WriteHooks} = {}
): Promise<string | null> {
  if (rows.length === 0) return null;
  const dir = join(root, d.name, `date=${run.collected_at.toISOString().slice(0, 10)}`);
  let part = 0;
  let path: string;
  do path = join(dir, `${run.run_id}-${part++}.parquet`);
  while (existsSync(path));
  const base = runColumnValues(run);
  await writeParquetAtomic(path, allColumns(d), rows.map((r) => ({...base, ...(r as Record<string, unknown>)})), hooks);
  return path;
}

/** Record how a run ended in the runs dataset. */
export async function finishRun(
  run: Run,
  {status, rows_written, error = null}: {status: "ok" | "failed" | "cancelled"; rows_written: number; error?: string | null},
  {root = storeRoot()}: {root?: string} = {}
): Promise<void> {
  await appendRows(
    runsDataset,
    [{kind: run.kind, status, ended_at: new Date(), command: run.command, config: JSON.stringify(run.config), git_commit: gitCommit(), rows_written, error}],
    run,
    {root}
  );
}

/** Files of a dataset (recursive), for diagnostics and listings. */
export function datasetFiles(name: string, root = storeRoot()): string[] {
  const dir = join(root, name);
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, {recursive: true}) as string[]).filter((f) => f.endsWith(".parquet") && !f.includes(".tmp-")).map((f) => join(dir, f));
}

function emptyView(d: Dataset): string {
  return `SELECT ${allColumns(d).map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(", ")} WHERE false`;
}

/** A DuckDB connection with one view per dataset over the store's Parquet files. */
export async function openStore(root = storeRoot()): Promise<{connection: DuckDBConnection; close(): void}> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  for (const d of Object.values(DATASETS)) {
    const files = datasetFiles(d.name, root);
    const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(", ");
    // union_by_name: files written before a column was added read as NULL for it.
    const body = files.length ? `SELECT * FROM read_parquet([${list}], union_by_name = true, hive_partitioning = false)` : emptyView(d);
    await connection.run(`CREATE VIEW ${quoteIdent(d.name)} AS ${body}`);
  }
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    }
  };
}

/** Run a query against the store and return plain row objects. */
export async function queryStore<T = Record<string, any>>(sql: string, {root}: {root?: string} = {}): Promise<T[]> {
  const store = await openStore(root);
  try {
    return (await store.connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    store.close();
  }
}
