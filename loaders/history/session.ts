// A collector run that can be left unattended (cron, systemd, CI):
//  - it takes the store's lock before writing (a second run at the same time is refused, naming the first);
//  - if it fails, the data files of its unfinished runs are removed again and each gets a run record
//    with status failed and the error, so the store keeps exactly its last good data plus the failure;
//  - if a run was killed outright (its lock left behind), the next run removes its partial files (recover.ts);
//  - with --log or INFERSCOPE_LOG=1 everything it prints also goes to data/logs/<run_id>.log.
// Sessions nest: `collect` opens one and the `bench` it calls joins it.

import os from "node:os";
import {CancelledError, formatUserError, isUserError} from "../common/errors.ts";
import {hostFingerprint} from "../host/fingerprint.ts";
import {DATASETS} from "../store/datasets.ts";
import {datasetFiles, finishRun, newRun, storeRoot} from "../store/store.ts";
import {acquireStoreLock, StoreLockedError, type StoreLock} from "./lock.ts";
import {discardUnfinished, readParquet, recoverIfTakenOver, runIdOfFile} from "./recover.ts";
import {logRequested, RunLog} from "./runlog.ts";

export {runIdOfFile};

export interface Session {
  readonly kind: string;
  readonly root: string;
  /** Take the lock and note what the store holds; call once the command line is checked, before writing. */
  begin(): Promise<void>;
  readonly log: RunLog | null;
}

let current: SessionImpl | null = null;

function storeFiles(root: string): Map<string, string[]> {
  return new Map(Object.keys(DATASETS).map((name) => [name, datasetFiles(name, root)]));
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
    // A run killed outright left its lock: its partial files go before this run notes what the store holds.
    await recoverIfTakenOver(this.root);
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
    await discardUnfinished(this.root, () => this.kind, unfinished, status, `${message} (its partial data was removed; the store is as before the run)`, {argv: process.argv.slice(2)});
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
