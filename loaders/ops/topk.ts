// Top-k operators: which op types take most of the operator time, per model/runtime/device.
//
// share_pct = the op's summed time (duration_us x executions) over all runs / the total operator time
//             over the same runs, in percent, for that model/runtime/device;
// count     = the op's executions per run (summed over its nodes, averaged over runs).
// A "run" is one inference run: a run_index of an ORT profile, or one averaged table (TFLite, trtexec)
// of one imported file. Rows of one level are summed, never a node and the rows nested in it:
// - "auto" (default): the top-level nodes, except that a TFLite delegate kernel (TfLiteXNNPackDelegate,
//   TfLiteGpuDelegateV2, ...) is replaced by the delegate's own ops when the profile lists them, so an
//   XNNPACK run ranks convolutions, not "the delegate";
// - "node": the top-level nodes only; "delegate_op", "subgraph_op", "gpu_kernel": only those rows.
//
// The SQL runs on the store's op_profiles view (queryStore / openStore), or on the same table in the
// browser through DuckDB-wasm, so pages and the CLI compute the same numbers.

import {sqlString} from "../store/schema.ts";
import {openStore} from "../store/store.ts";
import type {OpScope} from "./profile-rows.ts";

export interface TopOpsFilter {
  model: string;
  runtime?: string;
  device?: string;
  /** Only profiles taken at this optimization level / precision. */
  optLevel?: string;
  /** How many ops per model/runtime/device (default 4). */
  k?: number;
  scope?: OpScope | "auto";
  /** Ignore the first N runs of per-run profiles (run_index < N): warm-up runs. Averaged tables are kept. */
  skipRuns?: number;
  /** The table or view to read (default op_profiles). */
  table?: string;
}

export interface TopOpRow {
  model: string;
  runtime: string;
  device: string;
  op: string;
  share_pct: number;
  count: number;
  rank: number;
  time_per_run_us: number;
  /** Runs pooled: per-run profile runs plus averaged tables (each counts as one). */
  runs: number;
  /** How many of those are tables the tool averaged, and over how many runs in all. */
  averaged_profiles: number;
  averaged_runs: number;
  /** The optimization levels pooled in this table, comma-separated ('?' for unknown). */
  opt_levels: string;
}


/** The SQL for the top-k table; every value is quoted here, so filter values may come from users. */
export function topOpsSql({model, runtime, device, optLevel, k = 4, scope = "auto", skipRuns = 0, table = "op_profiles"}: TopOpsFilter): string {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(skipRuns) || skipRuns < 0) throw new RangeError(`skipRuns must be a non-negative integer, got ${skipRuns}`);
  const where = [
    `model = ${sqlString(model)}`,
    runtime !== undefined ? `runtime = ${sqlString(runtime)}` : null,
    device !== undefined ? `device = ${sqlString(device)}` : null,
    optLevel !== undefined ? `opt_level = ${sqlString(optLevel)}` : null,
    scope === "auto" ? `scope IN ('node', 'delegate_op')` : `scope = ${sqlString(scope)}`,
    skipRuns > 0 ? `(run_index IS NULL OR run_index >= ${skipRuns})` : null
  ].filter(Boolean);
  const level =
    scope === "auto"
      ? `scope = 'delegate_op'
     OR NOT (regexp_matches(op, 'delegate', 'i') AND run_key IN (SELECT run_key FROM src WHERE scope = 'delegate_op'))`
      : "true";
  return `WITH src AS (
  SELECT model, runtime, device, op_type AS op, coalesce(opt_level, '?') AS opt_level, scope,
         concat_ws('|', run_id, source_file, coalesce(CAST(run_index AS VARCHAR), '*')) AS run_key,
         duration_us * executions AS time_us, executions, runs_averaged
  FROM ${table.split(".").map((p) => `"${p.replaceAll('"', '""')}"`).join(".")}
  WHERE ${where.join("\n    AND ")}
),
base AS (
  SELECT * FROM src
  WHERE ${level}
),
profiles AS (
  SELECT model, runtime, device, run_key, max(runs_averaged) AS runs_averaged
  FROM base GROUP BY model, runtime, device, run_key
),
totals AS (
  SELECT b.model, b.runtime, b.device, sum(time_us) AS total_us,
         string_agg(DISTINCT opt_level, ',' ORDER BY opt_level) AS opt_levels,
         any_value(c.runs) AS runs, any_value(c.averaged) AS averaged, any_value(c.averaged_runs) AS averaged_runs
  FROM base b JOIN (
    SELECT model, runtime, device, count(*) AS runs, count(runs_averaged) AS averaged, coalesce(sum(runs_averaged), 0) AS averaged_runs
    FROM profiles GROUP BY model, runtime, device
  ) c USING (model, runtime, device)
  GROUP BY b.model, b.runtime, b.device
),
per_op AS (
  SELECT model, runtime, device, op, sum(time_us) AS op_us, sum(executions) AS execs
  FROM base GROUP BY model, runtime, device, op
),
ranked AS (
  SELECT p.model, p.runtime, p.device, p.op,
         CASE WHEN t.total_us > 0 THEN 100.0 * p.op_us / t.total_us ELSE 0 END AS share_pct,
         p.execs / t.runs AS count,
         row_number() OVER (PARTITION BY p.model, p.runtime, p.device ORDER BY p.op_us DESC, p.op) AS rank,
         p.op_us / t.runs AS time_per_run_us,
         t.runs AS runs, t.averaged, t.averaged_runs, t.opt_levels
  FROM per_op p JOIN totals t USING (model, runtime, device)
)
SELECT model, runtime, device, op, share_pct::DOUBLE AS share_pct, count::DOUBLE AS count, rank::INTEGER AS rank,
       time_per_run_us::DOUBLE AS time_per_run_us, runs::INTEGER AS runs,
       averaged::INTEGER AS averaged_profiles, averaged_runs::INTEGER AS averaged_runs, opt_levels
FROM ranked
WHERE rank <= ${k}
ORDER BY model, runtime, device, rank`;
}

/** The top-k table from the store. */
export async function topOps(filter: TopOpsFilter, {root}: {root?: string} = {}): Promise<TopOpRow[]> {
  const store = await openStore(root);
  try {
    await store.connection.run(MEASURED_VIEW);
    const table = filter.table ?? "op_profiles_measured";
    return (await store.connection.runAndReadAll(topOpsSql({...filter, table}))).getRowObjectsJS() as unknown as TopOpRow[];
  } finally {
    store.close();
  }
}

/**
 * op_profiles without the warm-up runs that `inferscope profile` recorded in op_profile_runs (their first
 * runs are 10-20x slower and would skew shares); imported profiles and averaged tables are kept as they are.
 */
export const MEASURED_VIEW = `CREATE OR REPLACE TEMP VIEW op_profiles_measured AS
  SELECT p.* FROM op_profiles p
  LEFT JOIN op_profile_runs r ON p.run_id = r.run_id AND p.source_file = r.source_file
  WHERE r.warmup_runs IS NULL OR p.run_index IS NULL OR p.run_index >= r.warmup_runs`;
