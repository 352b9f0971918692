// Writes one import into the store as a unit: every dataset's rows, the diagnostics, and the run
// record. If any write fails, the files already written by this import are removed again, so the
// store is left exactly as it was: nothing half-imported.

import {rm} from "node:fs/promises";
import {importDiagnostics} from "../../store/datasets.ts";
import type {Dataset, RowOf} from "../../store/schema.ts";
import {appendRows, finishRun, newRun, type Run} from "../../store/store.ts";
import type {Diagnostic, Diagnostics} from "./diagnostics.ts";
import {withStoreLock} from "../../history/lock.ts";
import {redactorFor} from "../../history/redact.ts";

/** Rows for one dataset; they are checked against its columns when written. */
export interface ImportWrite<D extends Dataset = Dataset> {
  dataset: D;
  rows: readonly object[];
}

export interface ImportResult {
  run_id: string;
  rows: Record<string, number>;
  files: string[];
}

export async function storeImport({
  kind,
  config,
  sourceFile,
  format,
  writes,
  diagnostics,
  root,
  run = newRun(kind, config),
  redact = false
}: {
  kind: string;
  config: unknown;
  sourceFile: string;
  format: string;
  writes: ImportWrite[];
  diagnostics?: Diagnostics;
  root?: string;
  run?: Run;
  /** --redact: replace addresses, hostnames and user names in the rows, paths and host fingerprint. */
  redact?: boolean;
}): Promise<ImportResult> {
  let diag = diagnostics?.list() ?? [];
  if (redact) {
    const r = redactorFor({root, hostnames: [run.host.host_name]});
    run = {...run, host: r.host(run.host), command: r.text(run.command), config: r.value(run.config)};
    writes = writes.map((w) => ({...w, rows: w.rows.map((row) => r.value(row))}));
    sourceFile = r.text(sourceFile);
    diag = r.value(diag);
  }
  // One writer at a time: a scheduled collection may be writing (history/lock.ts).
  return withStoreLock(() => write({run, writes, diag, sourceFile, format, root}), {root});
}

async function write({run, writes, diag, sourceFile, format, root}: {run: Run; writes: ImportWrite[]; diag: Diagnostic[]; sourceFile: string; format: string; root?: string}): Promise<ImportResult> {
  const files: string[] = [];
  const rows: Record<string, number> = {};
  try {
    for (const w of writes) {
      const path = await appendRows(w.dataset, w.rows as readonly RowOf<Dataset>[], run, {root});
      if (path) files.push(path);
      rows[w.dataset.name] = (rows[w.dataset.name] ?? 0) + w.rows.length;
    }
    const path = await appendRows(
      importDiagnostics,
      diag.map((d) => ({source_file: sourceFile, format, severity: d.severity, code: d.code, message: d.message, count: d.count, first_line: d.first_line, first_offset: d.first_offset})),
      run,
      {root}
    );
    if (path) files.push(path);
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    await finishRun(run, {status: "ok", rows_written: total}, {root});
  } catch (error) {
    await Promise.all(files.map((f) => rm(f, {force: true})));
    throw error;
  }
  return {run_id: run.run_id, rows, files};
}
