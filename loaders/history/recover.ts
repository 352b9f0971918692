// Runs that never finished. A run's data files are written before its run record, so files whose run
// has no record are partial: the session removes them when a run fails (recordFailure), and a run
// killed outright (SIGKILL, the OOM killer, a power cut) has its files removed by the next writer,
// which notices because it takes over the dead run's stale lock. Either way each such run keeps a
// record with status failed saying what happened, and the store is as before that run.

import {DuckDBInstance} from "@duckdb/node-api";
import {readdirSync, statSync} from "node:fs";
import {rm} from "node:fs/promises";
import {basename, join} from "node:path";
import {log} from "../common/progress.ts";
import {hostFingerprint, type HostFingerprint} from "../host/fingerprint.ts";
import {DATASETS} from "../store/datasets.ts";
import {sqlString} from "../store/schema.ts";
import {datasetFiles, finishRun, newRun, storeRoot, type Run} from "../store/store.ts";
import {describeHolder, takeStaleTakeover, type LockHolder} from "./lock.ts";

/** The run id in a store file name: <run_id>-<part>.parquet. */
export function runIdOfFile(path: string): string | null {
  return /^(.*)-\d+\.parquet$/.exec(basename(path))?.[1] ?? null;
}

export async function readParquet<T>(paths: readonly string[], select: string, tail = ""): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const list = `[${paths.map((p) => sqlString(p)).join(", ")}]`;
    return (await connection.runAndReadAll(`SELECT ${select} FROM read_parquet(${list}, union_by_name = true) ${tail}`)).getRowObjectsJS() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Remove each unfinished run's files and record it as failed (`status`, `error`), keeping the run's own
 * start time and host from the rows it wrote.
 */
export async function discardUnfinished(root: string, kind: (runId: string) => string, unfinished: ReadonlyMap<string, string[]>, status: "failed" | "cancelled", error: string, config: Record<string, unknown> = {}): Promise<void> {
  for (const [run_id, files] of unfinished) {
    const [first] = await readParquet<Record<string, unknown>>(files, "collected_at, host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs", "ORDER BY collected_at LIMIT 1");
    await Promise.all(files.map((f) => rm(f, {force: true})));
    const {collected_at, ...host} = first ?? {};
    const run: Run = {
      ...newRun(kind(run_id), {...config, removed_files: files.length}),
      run_id,
      collected_at: collected_at instanceof Date ? collected_at : new Date(),
      host: first ? (host as unknown as HostFingerprint) : hostFingerprint()
    };
    await finishRun(run, {status, rows_written: 0, error}, {root});
  }
}

/** The collector a lock holder's command line ran: `inferscope bench --models x` -> "bench". */
export function kindOfCommand(command: string): string {
  const words = command.split(/\s+/).filter(Boolean);
  const i = words.findIndex((w) => /inferscope(\.js)?$/.test(w));
  return words.slice(i + 1).find((w) => !w.startsWith("-")) ?? "unknown";
}

/** Temporary files of a dead writer (`.<name>.tmp-<pid>-<random>`), which no one else will rename. */
function deadTempFiles(root: string, pid: number): string[] {
  const out: string[] = [];
  for (const name of Object.keys(DATASETS)) {
    const dir = join(root, name);
    let entries: string[];
    try {
      entries = readdirSync(dir, {recursive: true}) as string[];
    } catch {
      continue;
    }
    for (const f of entries) if (f.includes(`.tmp-${pid}-`)) out.push(join(dir, f));
  }
  return out;
}

/**
 * After taking over the stale lock of `holder` (a process that is gone): remove the data files it
 * wrote for runs that have no run record, and its temporary files; record each such run as failed.
 * Only files written since the dead holder took the lock are considered.
 */
export async function recoverKilledRuns(root: string, holder: LockHolder): Promise<{runs: number; files: number}> {
  const since = Date.parse(holder.started_at) - 2000;
  // Without the holder's start time there is no telling its files from older ones: touch nothing.
  if (Number.isNaN(since)) return {runs: 0, files: 0};
  const runFiles = datasetFiles("runs", root);
  const recorded = new Set(runFiles.length ? (await readParquet<{run_id: string}>(runFiles, "run_id")).map((r) => r.run_id) : []);
  const unfinished = new Map<string, string[]>();
  for (const name of Object.keys(DATASETS)) {
    if (name === "runs") continue;
    for (const f of datasetFiles(name, root)) {
      const id = runIdOfFile(f);
      if (!id || recorded.has(id)) continue;
      if ((statSync(f, {throwIfNoEntry: false})?.mtimeMs ?? 0) < since) continue;
      unfinished.set(id, [...(unfinished.get(id) ?? []), f]);
    }
  }
  const temps = deadTempFiles(root, holder.pid);
  await Promise.all(temps.map((f) => rm(f, {force: true})));
  const files = [...unfinished.values()].reduce((n, fs) => n + fs.length, 0);
  if (unfinished.size) {
    const kind = kindOfCommand(holder.command);
    await discardUnfinished(root, () => kind, unfinished, "failed", `killed: ${describeHolder(holder)} ended without finishing (SIGKILL, the OOM killer or a power cut); its partial data was removed by the next run`, {killed_command: holder.command});
  }
  if (unfinished.size || temps.length) log(`note: ${describeHolder(holder)} was killed mid-run: removed ${files} partial data file(s) of ${unfinished.size} unfinished run(s)${temps.length ? ` and ${temps.length} temporary file(s)` : ""}; each run is recorded as failed`);
  return {runs: unfinished.size, files};
}

/** Clean up after a dead lock holder if this process just took its lock over. */
export async function recoverIfTakenOver(root = storeRoot()): Promise<void> {
  const holder = takeStaleTakeover(root);
  if (holder) await recoverKilledRuns(root, holder);
}
