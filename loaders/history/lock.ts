// One writer at a time: collectors and imports take <store>/.lock before writing, so a scheduled
// collection never overlaps another run. The lock file is created with O_EXCL and holds who took it
// (pid, host, start time, command); a lock whose process is gone (dead pid, or the pid reused by a
// newer process) is stale and taken over. Re-entrant within a process: `collect` runs `bench`.

import {linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, closeSync} from "node:fs";
import os from "node:os";
import {join} from "node:path";
import {UserError} from "../common/errors.ts";
import {log} from "../common/progress.ts";
import {storeRoot} from "../store/store.ts";

export const LOCK_FILE = ".lock";
/** Exit code of a run refused because another holds the lock (EX_TEMPFAIL: try again later). */
export const LOCKED_EXIT = 75;

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
  /** Start time of the process in clock ticks since boot (Linux /proc/<pid>/stat field 22), to tell a reused pid. */
  proc_start: string | null;
}

export class StoreLockedError extends UserError {
  readonly holder: LockHolder;
  constructor(path: string, holder: LockHolder) {
    super(`the store is busy: ${describeHolder(holder)} holds ${path}`, {
      exitCode: LOCKED_EXIT,
      hint: `Wait for that run to finish and try again. If it is not running any more (e.g. its machine rebooted), remove ${path}.`
    });
    this.name = "StoreLockedError";
    this.holder = holder;
  }
}

export function describeHolder(h: LockHolder): string {
  return `\`${h.command}\` (pid ${h.pid} on ${h.host}, since ${h.started_at.replace("T", " ").slice(0, 19)} UTC)`;
}

function procStart(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the holder's process is certainly gone. Holders on other hosts are never judged stale. */
export function isStale(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return false;
  try {
    process.kill(h.pid, 0);
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  const now = procStart(h.pid);
  return h.proc_start !== null && now !== null && now !== h.proc_start;
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof h.pid === "number" && typeof h.host === "string" ? h : null;
  } catch {
    return null;
  }
}

interface Held {
  path: string;
  holder: LockHolder;
  depth: number;
}

const held = new Map<string, Held>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A second Ctrl-C exits at once: still give the lock back.
  process.on("exit", () => {
    for (const h of held.values()) removeIfOurs(h);
    held.clear();
  });
}

function removeIfOurs(h: Held): void {
  const now = readHolder(h.path);
  if (now && now.pid === h.holder.pid && now.started_at === h.holder.started_at) {
    try {
      unlinkSync(h.path);
    } catch {
      // already gone
    }
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Move a stale lock aside; true when the file moved was the stale one we judged (not a fresh lock). */
function breakStale(path: string, stale: LockHolder): boolean {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else broke it first
  }
  const moved = readHolder(aside);
  if (moved && moved.pid === stale.pid && moved.started_at === stale.started_at) {
    unlinkSync(aside);
    return true;
  }
  // We moved a lock taken in the meantime: put it back unless yet another run has taken the name.
  try {
    linkSync(aside, path);
  } catch {
    // the name is taken again; that holder wins
  }
  unlinkSync(aside);
  return false;
}

export interface StoreLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** Stale holders whose lock this process took over, by store root, until recover.ts has cleaned up after them. */
const takeovers = new Map<string, LockHolder>();

/** The dead holder whose lock of `root` this process took over, once (then forgotten). */
export function takeStaleTakeover(root: string): LockHolder | undefined {
  const h = takeovers.get(root);
  takeovers.delete(root);
  return h;
}

/** Take the store's lock or throw StoreLockedError naming who holds it. */
export function acquireStoreLock({root = storeRoot(), command = ["inferscope", ...process.argv.slice(2)].join(" ")}: {root?: string; command?: string} = {}): StoreLock {
  const path = join(root, LOCK_FILE);
  const mine = held.get(path);
  if (mine) {
    mine.depth++;
    return {path, holder: mine.holder, release: () => release(path)};
  }
  mkdirSync(root, {recursive: true});
  const holder: LockHolder = {pid: process.pid, host: os.hostname(), started_at: new Date().toISOString(), command, proc_start: procStart("self")};
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, holder)) {
      installExitHook();
      held.set(path, {path, holder, depth: 1});
      return {path, holder, release: () => release(path)};
    }
    const other = readHolder(path);
    if (other === null) {
      // Being written this instant, or unreadable garbage: look again shortly, then treat garbage as stale.
      if (attempt < 3) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        continue;
      }
      try {
        unlinkSync(path);
      } catch {
        // gone
      }
      continue;
    }
    if (!isStale(other)) throw new StoreLockedError(path, other);
    if (breakStale(path, other)) {
      log(`note: took over a stale store lock left by ${describeHolder(other)}, which is no longer running`);
      takeovers.set(root, other);
    }
  }
  const other = readHolder(path);
  throw new StoreLockedError(path, other ?? {pid: -1, host: "?", started_at: "?", command: "?", proc_start: null});
}

function release(path: string): void {
  const h = held.get(path);
  if (!h) return;
  if (--h.depth > 0) return;
  held.delete(path);
  removeIfOurs(h);
}

/** Run `body` holding the store's lock. */
export async function withStoreLock<T>(body: () => Promise<T>, options: {root?: string; command?: string} = {}): Promise<T> {
  const lock = acquireStoreLock(options);
  try {
    // Imported here: recover.ts reads Parquet, which the lock itself does not need.
    const {recoverIfTakenOver} = await import("./recover.ts");
    await recoverIfTakenOver(options.root ?? storeRoot());
    return await body();
  } finally {
    lock.release();
  }
}

/** Whether this process holds the lock of `root`. */
export function holdsStoreLock(root = storeRoot()): boolean {
  return held.has(join(root, LOCK_FILE));
}
