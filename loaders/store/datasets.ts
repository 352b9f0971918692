// Every dataset in the store, with its columns documented in one place.
// Each dataset lives under data/store/<name>/date=YYYY-MM-DD/<run_id>-<part>.parquet and every row
// also carries the RUN_COLUMNS (run id, time, host fingerprint) listed in schema.ts.

import {defineDataset, type Dataset} from "./schema.ts";

/** One row per collection or import run: what ran, with which configuration, and how it ended. */
export const runs = defineDataset({
  name: "runs",
  doc: "one row per collection or import run",
  columns: [
    {name: "kind", type: "VARCHAR", doc: "what ran: bench, import latency, import runs, ..."},
    {name: "status", type: "VARCHAR", doc: "ok, failed or cancelled"},
    {name: "ended_at", type: "TIMESTAMP", doc: "when the run ended (UTC)"},
    {name: "command", type: "VARCHAR", doc: "the command line that started the run"},
    {name: "config", type: "VARCHAR", doc: "the run's full configuration as JSON"},
    {name: "git_commit", type: "VARCHAR", nullable: true, doc: "inferscope's git commit, when run from a checkout"},
    {name: "rows_written", type: "BIGINT", doc: "rows written to other datasets by this run"},
    {name: "error", type: "VARCHAR", nullable: true, doc: "why the run failed or stopped, if it did"}
  ]
});

/** One row per kind of problem an import met (bad records, dropped entries, truncation), with where it first happened. */
export const importDiagnostics = defineDataset({
  name: "import_diagnostics",
  doc: "problems met while importing a file: counted per kind, with the first place each occurred",
  columns: [
    {name: "source_file", type: "VARCHAR", doc: "the file imported (as given on the command line)"},
    {name: "format", type: "VARCHAR", doc: "the format it was read as (triton-trace, perf-analyzer-csv, tflite-profile, ...)"},
    {name: "severity", type: "VARCHAR", doc: "info, warning or error"},
    {name: "code", type: "VARCHAR", doc: "a stable name for the kind of problem, e.g. truncated_entry"},
    {name: "message", type: "VARCHAR", doc: "what happened and what to do, for people"},
    {name: "count", type: "BIGINT", doc: "how many times it happened in the file"},
    {name: "first_line", type: "BIGINT", nullable: true, doc: "1-based line of the first occurrence, where lines apply"},
    {name: "first_offset", type: "BIGINT", nullable: true, doc: "byte offset of the first occurrence, where known"}
  ]
});

/** All datasets, by name. Later modules add theirs here so the reader can create a view for each. */
export const DATASETS: Record<string, Dataset> = {
  runs,
  import_diagnostics: importDiagnostics
};

export function dataset(name: string): Dataset {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(", ")})`);
  return d;
}
