// Logs of unattended runs: everything a collector prints (stdout and stderr) also goes to
// data/logs/<run_id>.log, each line stamped with the time. Turned on with --log or INFERSCOPE_LOG=1
// (cron, systemd and CI set the variable); INFERSCOPE_LOG_DIR (or INFERSCOPE_LOG=<dir>) moves the folder.

import {closeSync, linkSync, mkdirSync, openSync, renameSync, writeSync} from "node:fs";
import {join} from "node:path";
import {PROJECT_ROOT} from "../store/store.ts";

/** Whether this run should be logged: the --log flag, or INFERSCOPE_LOG set to 1/true/yes/on or a folder. */
export function logRequested(flag?: boolean): boolean {
  if (flag) return true;
  const v = (process.env.INFERSCOPE_LOG ?? "").trim().toLowerCase();
  return v !== "" && !["0", "false", "no", "off"].includes(v);
}

/** Where logs go: $INFERSCOPE_LOG_DIR, a folder given as INFERSCOPE_LOG, or data/logs in the project. */
export function logDir(): string {
  if (process.env.INFERSCOPE_LOG_DIR) return process.env.INFERSCOPE_LOG_DIR;
  const v = process.env.INFERSCOPE_LOG ?? "";
  if (v.includes("/")) return v;
  return join(PROJECT_ROOT, "data", "logs");
}

type Write = typeof process.stdout.write;

/** Tees the process's stdout and stderr into a file until closed; the file is named once the run ids are known. */
export class RunLog {
  readonly dir: string;
  private readonly partial: string;
  private fd: number | null;
  private atLineStart = true;
  private readonly restore: (() => void)[] = [];

  constructor(readonly provisionalName: string, {dir = logDir(), header}: {dir?: string; header: string}) {
    this.dir = dir;
    mkdirSync(dir, {recursive: true});
    // Named .partial until the run ends: a killed run leaves its log, recognisably unfinished.
    this.partial = join(dir, `${provisionalName}.log.partial`);
    this.fd = openSync(this.partial, "a");
    this.note(header);
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      const log = this;
      stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
        log.append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      } as Write;
      this.restore.push(() => {
        stream.write = original;
      });
    }
  }

  /** Append text, stamping the start of every line with the UTC time. */
  append(text: string): void {
    if (this.fd === null || text === "") return;
    const stamp = new Date().toISOString().slice(11, 19);
    let out = "";
    for (const piece of text.split(/(?<=\n)/)) {
      if (this.atLineStart) out += `${stamp} `;
      out += piece;
      this.atLineStart = piece.endsWith("\n");
    }
    writeSync(this.fd, out);
  }

  /** A line of the log's own (start, end, error). */
  note(line: string): void {
    this.append(`${this.atLineStart ? "" : "\n"}# ${line}\n`);
  }

  /**
   * Stop teeing and name the log after the runs it covers: <run_id>.log for the first, a hard link
   * for each other run of the same session; <provisional>.log when it wrote no run. Returns the paths.
   */
  close(runIds: readonly string[], footer: string): string[] {
    if (this.fd === null) return [];
    for (const r of this.restore.splice(0)) r();
    this.note(footer);
    closeSync(this.fd);
    this.fd = null;
    const names = runIds.length ? runIds.map((id) => join(this.dir, `${id}.log`)) : [join(this.dir, `${this.provisionalName}.log`)];
    renameSync(this.partial, names[0]);
    for (const extra of names.slice(1)) {
      try {
        linkSync(names[0], extra);
      } catch {
        // a file system without hard links: the first name is enough
      }
    }
    return names;
  }
}
