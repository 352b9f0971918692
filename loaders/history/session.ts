// A collector run that can be left unattended (cron, systemd, CI):
//  - it takes the store's lock before writing (a second run at the same time is refused, naming the first);
//  - if it fails, the data files of its unfinished runs are removed again and each gets a run record
//    with status failed and the error, so the store keeps exactly its last good data plus the failure;
//  - with --log or INFERSCOPE_LOG=1 everything it prints also goes to data/logs/<run_id>.log.
// Sessions nest: `collect` opens one and the `bench` it calls joins it.

import {sqlString} from "../store/schema.ts";
import {DuckDBInstance} from "@duckdb/node-api";
import {rm} from "node:fs/promises";
import {basename} from "node:path";
import os from "node:os";
import {CancelledError, formatUserError, isUserError} from "../common/errors.ts";
import {hostFingerprint, type HostFingerprint} from "../host/fingerprint.ts";
import {DATASETS} from "../store/datasets.ts";
import {datasetFiles, finishRun, newRun, storeRoot, type Run} from "../store/store.ts";
import {acquireStoreLock, StoreLockedError, type StoreLock} from "./lock.ts";
import {logRequested, RunLog} from "./runlog.ts";

export interface Session {
  readonly kind: string;
  readonly root: string;
  /** Take the lock and note what the store holds; call once the command line is checked, before writing. */
  begin(): Promise<void>;
  readonly log: RunLog | null;
}

let current: SessionImpl | null = null;

/** The run id in a store file name: <run_id>-<part>.parquet. */
export function runIdOfFile(path: string): string | null {
  return /^(.*)-\d+\.parquet$/.exec(basename(path))?.[1] ?? null;
}

function storeFiles(root: string): Map<string, string[]> {
  return new Map(Object.keys(DATASETS).map((name) => [name, datasetFiles(name, root)]));
}

function list(paths: readonly string[]): string {
  return `[${paths.map((p) => sqlString(p)).join(", ")}]`;
}

async function readParquet<T>(paths: readonly string[], select: string, tail = ""): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(`SELECT ${select} FROM read_parquet(${list(paths)}, union_by_name = true) ${tail}`)).getRowObjectsJS() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function errorText(error: unknown): string {
  if (isUserError(error)) return error.message;
  const e = error as Error;
  return `${e?.name && e.name !== "Error" ? `${e.name}: ` : ""}${e?.message ?? String(error)}`.split("\n")[0];
}

class SessionImpl implements Session {
  lock: StoreLock | null = null;
  before: Map<string, string[]> | null = null;
  log: RunLog | null = null;
  readonly started = new Date();

  constructor(
    readonly kind: string,
    readonly root: string,
    logging: boolean
  ) {
    if (logging) {
      const host = hostFingerprint();
      const stamp = this.started.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      this.log = new RunLog(`${stamp}-${host.host_id.slice(0, 6)}-${kind.replace(/\W+/g, "-")}`, {
        header: `inferscope ${process.argv.slice(2).join(" ")} | pid ${process.pid} on ${os.hostname()} | store ${root} | started ${this.started.toISOString()}`
      });
    }
  }

  async begin(): Promise<void> {
    if (this.lock) return;
    this.lock = acquireStoreLock({root: this.root});
    this.before = storeFiles(this.root);
  }

  /** Files written since begin(), by dataset. */
  newFiles(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (!this.before) return out;
    for (const [name, files] of storeFiles(this.root)) {
      const old = new Set(this.before.get(name) ?? []);
      const added = files.filter((f) => !old.has(f));
      if (added.length) out.set(name, added);
    }
    return out;
  }

  /** Run ids this session wrote a run record for. */
  async recordedRuns(): Promise<{run_id: string; status: string}[]> {
    const files = this.newFiles().get("runs") ?? [];
    return files.length ? readParquet(files, "run_id, status") : [];
  }

  /**
   * After a failure: remove the data of every run that has no run record yet (it did not finish) and
   * record it as failed; if nothing records the failure yet, add a failed run of this session's kind.
   */
  async recordFailure(error: unknown): Promise<void> {
    const message = errorText(error);
    const status = error instanceof CancelledError ? "cancelled" : "failed";
    const added = this.newFiles();
    const recorded = await this.recordedRuns();
    const finished = new Set(recorded.map((r) => r.run_id));
    const unfinished = new Map<string, string[]>();
    for (const [name, files] of added) {
      if (name === "runs") continue;
      for (const f of files) {
        const id = runIdOfFile(f);
        if (id && !finished.has(id)) unfinished.set(id, [...(unfinished.get(id) ?? []), f]);
      }
    }
    for (const [run_id, files] of unfinished) {
      // The run's own start time and host, from the rows it wrote, before they go.
      const [first] = await readParquet<Record<string, unknown>>(files, "collected_at, host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os, host_node, host_libs", "ORDER BY collected_at LIMIT 1");
      await Promise.all(files.map((f) => rm(f, {force: true})));
      const {collected_at, ...host} = first ?? {};
      const run: Run = {
        ...newRun(this.kind, {argv: process.argv.slice(2), removed_files: files.length}),
        run_id,
        collected_at: collected_at instanceof Date ? collected_at : this.started,
        host: first ? (host as unknown as HostFingerprint) : hostFingerprint()
      };
      await finishRun(run, {status, rows_written: 0, error: `${message} (its partial data was removed; the store is as before the run)`}, {root: this.root});
    }
    const alreadyRecorded = unfinished.size > 0 || recorded.some((r) => r.status !== "ok");
    // An unexpected error, or any error in a logged (unattended) run, leaves a trace in the store;
    // a mistake on the command line caught before anything was written does not.
    if (!alreadyRecorded && (!isUserError(error) || this.log || added.size > 0)) {
      await finishRun(newRun(this.kind, {argv: process.argv.slice(2)}), {status, rows_written: 0, error: message}, {root: this.root});
    }
  }

  async end(error: unknown, result?: unknown): Promise<void> {
    try {
      if (error !== undefined && this.lock && !(error instanceof StoreLockedError)) {
        try {
          await this.recordFailure(error);
        } catch (e) {
          process.stderr.write(`inferscope: could not record the failure in the store: ${(e as Error).message}\n`);
        }
      }
      if (this.log) {
        if (error !== undefined) this.log.append(`${isUserError(error) ? formatUserError(error) : `inferscope: ${(error as Error)?.stack ?? error}`}\n`);
        const ids = this.lock ? [...new Set((await this.recordedRuns().catch(() => [])).map((r) => r.run_id))] : [];
        const how = error !== undefined ? `failed: ${errorText(error)}` : typeof result === "number" && result !== 0 ? `ended with exit code ${result}` : "ended ok";
        const names = this.log.close(ids, `${how} | ${new Date().toISOString()}${ids.length ? ` | runs ${ids.join(", ")}` : ""}`);
        process.stderr.write(`log: ${names[0]}\n`);
      }
    } finally {
      this.lock?.release();
    }
  }
}

/**
 * Run a collector as a session. `body` calls `session.begin()` once its options are checked and
 * before it writes to the store; a nested call joins the session already open.
 */
export async function unattended<T>(kind: string, {log, root = storeRoot()}: {log?: boolean; root?: string}, body: (session: Session) => Promise<T>): Promise<T> {
  if (current) return body(current);
  const session = new SessionImpl(kind, root, logRequested(log));
  current = session;
  let result: T;
  try {
    result = await body(session);
  } catch (error) {
    current = null;
    await session.end(error);
    throw error;
  }
  current = null;
  await session.end(undefined, result);
  return result;
}
