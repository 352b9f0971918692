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

/** All datasets, by name. Later modules add theirs here so the reader can create a view for each. */
export const DATASETS: Record<string, Dataset> = {
  runs
};

export function dataset(name: string): Dataset {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(", ")})`);
  return d;
}
