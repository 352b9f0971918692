// SQL views over the store for the Operators page and the profile summary, so the page and the CLI
// compute the same numbers with the same top-k SQL (loaders/ops/topk.ts).
//
// op_timed: op_profiles without warm-up runs, local profiles only from the latest run of each
// configuration on each host, and a `device` that says where a profile was taken: the host name for
// local profiles (several hosts may share a store; with `(2t, batch 8)` when not at the default threads
// and batch), `<device> (imported)` for imported files.
// Unknown optimization levels read '?', as topOpsSql labels them.

import {sqlString} from "../store/schema.ts";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryArrowIPC} from "../store/arrow.ts";
import {openStore} from "../store/store.ts";
import {topOpsSql} from "../ops/topk.ts";

export const PROFILE_VIEWS = [
  // A ceiling is the best rate ever measured on the host: a measurement taken while the machine was busy
  // only lowers the median, and measuring again (--force) can only raise the roof.
  `CREATE OR REPLACE TEMP VIEW roofline_best AS
   SELECT host_id, metric, threads, max(best) AS best FROM roofline_host GROUP BY ALL`,
  `CREATE OR REPLACE TEMP VIEW op_latest_runs AS
   SELECT * FROM op_profile_runs
   WHERE status = 'ok'
   QUALIFY row_number() OVER (PARTITION BY host_id, model, runtime, device, opt_level, threads, batch ORDER BY collected_at DESC) = 1`,
  `CREATE OR REPLACE TEMP VIEW op_timed AS
   SELECT p.* EXCLUDE (device, opt_level),
          CASE WHEN p.source <> 'local' THEN p.device || ' (imported)'
               -- Other thread counts or batch sizes than the defaults get their own column.
               WHEN r.batch <> 1 OR r.threads <> (CASE WHEN p.runtime = 'ort-wasm' THEN 1 ELSE p.host_cores END)
               THEN p.host_name || ' (' || r.threads || 't, batch ' || r.batch || ')'
               ELSE p.host_name END AS device,
          coalesce(p.opt_level, '?') AS opt_level,
          p.device AS device_raw, r.threads, r.batch, r.warmup_runs
   FROM op_profiles p
   LEFT JOIN op_latest_runs r ON p.run_id = r.run_id AND p.source_file = r.source_file
   WHERE (p.source <> 'local' OR r.run_id IS NOT NULL)
     AND (r.warmup_runs IS NULL OR p.run_index IS NULL OR p.run_index >= r.warmup_runs)`
];

export async function createProfileViews(connection: DuckDBConnection): Promise<void> {
  for (const sql of PROFILE_VIEWS) await connection.run(sql);
}

/** Every op's rank and share per model / runtime / device / opt level (all ranks: pages pick k). */
export async function allRanksSql(connection: DuckDBConnection, {k = 10_000}: {k?: number} = {}): Promise<string> {
  const reader = await connection.runAndReadAll("SELECT DISTINCT model, opt_level FROM op_timed ORDER BY 1, 2");
  const pairs = reader.getRowObjectsJS() as {model: string; opt_level: string}[];
  if (pairs.length === 0) {
    // Keep the columns (and types) of the top-k table even when there is nothing to rank.
    return `SELECT * REPLACE (${sqlString("")} AS opt_levels) FROM (${topOpsSql({model: "", k, table: "op_timed"})}) WHERE false`;
  }
  return pairs.map((p) => `SELECT * FROM (${topOpsSql({model: p.model, optLevel: p.opt_level, k, table: "op_timed"})})`).join("\nUNION ALL\n");
}

/** For Framework data loaders: create the views, run `sql` (or the SQL `build` makes), print Arrow IPC. */
export async function printProfileArrow(sql: string | ((connection: DuckDBConnection) => Promise<string>)): Promise<void> {
  try {
    const store = await openStore();
    try {
      await createProfileViews(store.connection);
      const text = typeof sql === "string" ? sql : await sql(store.connection);
      const bytes = await queryArrowIPC(store.connection, text);
      await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
    } finally {
      store.close();
    }
  } catch (error) {
    process.stderr.write(`inferscope data loader (operators): ${(error as Error).message}\n`);
    process.exit(1);
  }
}
