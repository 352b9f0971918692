// Reading runs back from the store: list them, resolve what a user typed (an id, a unique prefix,
// `latest`, `previous`) to a run id, and load a run's benchmark samples for comparison.

import {UserError} from "../common/errors.ts";
import type {HostFingerprint} from "../host/fingerprint.ts";
import {DATASETS} from "../store/datasets.ts";
import {quoteIdent, sqlString} from "../store/schema.ts";
import {openStore} from "../store/store.ts";
import type {RowWithStatus} from "./compare.ts";


/** A row of the runs dataset, with the host that ran it. */
export interface RunRow extends HostFingerprint {
  run_id: string;
  kind: string;
  status: string;
  collected_at: Date;
  ended_at: Date | null;
  command: string;
  config: string;
  git_commit: string | null;
  rows_written: number;
  error: string | null;
}

async function query<T>(root: string | undefined, sql: string): Promise<T[]> {
  const store = await openStore(root);
  try {
    return (await store.connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    store.close();
  }
}

function plain(r: Record<string, unknown>): RunRow {
  return {...r, rows_written: Number(r.rows_written ?? 0)} as unknown as RunRow;
}

/** Runs, newest first, optionally filtered. limit 0 = all. */
export async function listRuns({root, kind, status, limit = 0}: {root?: string; kind?: string; status?: string; limit?: number} = {}): Promise<RunRow[]> {
  const where = [kind ? `kind = ${sqlString(kind)}` : "", status ? `status = ${sqlString(status)}` : ""].filter(Boolean);
  const rows = await query<Record<string, unknown>>(
    root,
    `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY collected_at DESC, run_id DESC ${limit > 0 ? `LIMIT ${Math.floor(limit)}` : ""}`
  );
  return rows.map(plain);
}

/**
 * The run id a user meant: an exact id, a unique prefix, `latest` or `previous` (the newest and the
 * one before, among runs that have benchmark samples when `benchOnly`).
 */
export async function resolveRunId(spec: string, {root, benchOnly = false}: {root?: string; benchOnly?: boolean} = {}): Promise<string> {
  const source = benchOnly
    ? "SELECT run_id, min(collected_at) AS collected_at FROM bench_results WHERE samples_ms IS NOT NULL AND len(samples_ms) > 0 GROUP BY run_id"
    : "SELECT run_id, min(collected_at) AS collected_at FROM (SELECT run_id, collected_at FROM runs UNION ALL SELECT run_id, collected_at FROM bench_results) GROUP BY run_id";
  const what = benchOnly ? "benchmark runs" : "runs";
  const s = spec.trim();
  if (s === "latest" || s === "previous") {
    const rows = await query<{run_id: string}>(root, `${source} ORDER BY collected_at DESC, run_id DESC LIMIT 2`);
    const i = s === "latest" ? 0 : 1;
    if (!rows[i]) {
      throw new UserError(`no ${s} run: the store has ${rows.length === 0 ? "no" : "only one of the"} ${what}`, {hint: benchOnly ? "Run `npm run collect` (or `inferscope bench`) to add one; `inferscope runs list` shows what is there." : "Run `npm run collect` to add one."});
    }
    return rows[i].run_id;
  }
  if (!/^[\w.:-]+$/.test(s)) throw new UserError(`'${spec}' is not a run id`, {hint: "Run ids look like 20240501T031700Z-1a2b3c-9f0e; see `inferscope runs list`."});
  const rows = await query<{run_id: string}>(root, `SELECT run_id FROM (${source}) WHERE starts_with(run_id, ${sqlString(s)}) ORDER BY collected_at DESC LIMIT 6`);
  const exact = rows.find((r) => r.run_id === s);
  if (exact) return exact.run_id;
  if (rows.length === 1) return rows[0].run_id;
  if (rows.length === 0) throw new UserError(`no run '${spec}' among the ${what} in the store`, {hint: "See `inferscope runs list` for the run ids (a unique prefix is enough)."});
  throw new UserError(`'${spec}' matches several runs: ${rows.slice(0, 5).map((r) => r.run_id).join(", ")}${rows.length > 5 ? ", ..." : ""}`, {hint: "Give more of the run id."});
}

/** The runs row of one run (null for data written without one, e.g. by an interrupted run). */
export async function runRow(runId: string, {root}: {root?: string} = {}): Promise<RunRow | null> {
  const rows = await query<Record<string, unknown>>(root, `SELECT * FROM runs WHERE run_id = ${sqlString(runId)} ORDER BY ended_at DESC LIMIT 1`);
  return rows[0] ? plain(rows[0]) : null;
}

/** Rows the run wrote to each dataset (datasets with none left out). */
export async function rowsPerDataset(runId: string, {root}: {root?: string} = {}): Promise<Record<string, number>> {
  const names = Object.keys(DATASETS).filter((n) => n !== "runs");
  const sql = names.map((n) => `SELECT ${sqlString(n)} AS dataset, count(*)::DOUBLE AS n FROM ${quoteIdent(n)} WHERE run_id = ${sqlString(runId)}`).join(" UNION ALL ");
  const rows = await query<{dataset: string; n: number}>(root, sql);
  return Object.fromEntries(rows.filter((r) => r.n > 0).sort((a, b) => a.dataset.localeCompare(b.dataset)).map((r) => [r.dataset, r.n]));
}

/** The bench_results rows of the given runs, samples included. */
export async function benchRowsOf(runIds: readonly string[], {root}: {root?: string} = {}): Promise<RowWithStatus[]> {
  if (runIds.length === 0) return [];
  const rows = await query<Record<string, unknown>>(
    root,
    `SELECT run_id, collected_at, config_id, model, runtime, device, threads, batch, opt_level, host_id, host_name, status, error, samples_ms,
            median_ms, p90_ms, cv, runs
     FROM bench_results WHERE run_id IN (${runIds.map(sqlString).join(", ")}) ORDER BY config_id`
  );
  return rows.map((r) => ({...r, samples_ms: (r.samples_ms as number[] | null) ?? null}) as unknown as RowWithStatus);
}
