// Performance tables kept in the store: find the one to plan with, and turn its rows into a PerfTable.

import {sqlString} from "../store/schema.ts";
import {UserError} from "../common/errors.ts";
import {hostFingerprint} from "../host/fingerprint.ts";
import {queryStore} from "../store/store.ts";
import {PerfTable} from "./table.ts";

export interface StoredTable {
  run_id: string;
  model: string;
  host_id: string;
  host_name: string;
  collected_at: Date;
  /** Unit labels in the profile's --units order. */
  units: string[];
  max_batch: number;
  opt_level: string | null;
  imported: boolean;
  source_file: string | null;
  /** Grid rows: the planners' data. */
  points: {unit: string; batch: number; ms: number}[];
}

/** A SQL string literal. */

export interface FindOptions {
  model: string;
  /** Every one of these units must be in the table. */
  units?: readonly string[];
  /** The table must have been profiled up to at least this batch. */
  minMaxBatch?: number;
  optLevel?: string;
  /** Only tables measured on this machine. */
  thisHost?: boolean;
  /** A specific table (run id); the other filters still apply, to explain a mismatch. */
  runId?: string;
  root?: string;
}

/** The latest table matching `o`, or null. Tables from this machine come before others'. */
export async function findProfile(o: FindOptions): Promise<StoredTable | null> {
  const here = hostFingerprint().host_id;
  const runs = (await queryStore(
    `SELECT run_id, any_value(model) AS model, any_value(host_id) AS host_id, any_value(host_name) AS host_name, max(collected_at) AS collected_at,
            any_value(units) AS units, max(max_batch) AS max_batch, any_value(opt_level) AS opt_level, bool_or(imported) AS imported, any_value(source_file) AS source_file
     FROM partition_profiles
     WHERE model = ${sqlString(o.model)}${o.runId ? ` AND run_id = ${sqlString(o.runId)}` : ""}
     GROUP BY run_id
     ORDER BY (any_value(host_id) = ${sqlString(here)}) DESC, max(collected_at) DESC`,
    {root: o.root}
  )) as unknown as (Omit<StoredTable, "units" | "points"> & {units: string})[];
  for (const r of runs) {
    const units = String(r.units).split(",");
    if (o.thisHost && r.host_id !== here) continue;
    if (o.units && !o.units.every((u) => units.includes(u))) continue;
    if (o.minMaxBatch !== undefined && Number(r.max_batch) < o.minMaxBatch) continue;
    if (o.optLevel && r.opt_level !== null && r.opt_level !== o.optLevel) continue;
    const points = (await queryStore(
      `SELECT unit, batch, median_ms AS ms FROM partition_profiles WHERE run_id = ${sqlString(r.run_id)} AND model = ${sqlString(o.model)} AND row_kind = 'grid' ORDER BY unit, batch`,
      {root: o.root}
    )) as {unit: string; batch: number; ms: number}[];
    return {...r, max_batch: Number(r.max_batch), collected_at: new Date(r.collected_at), units, points: points.map((p) => ({unit: p.unit, batch: Number(p.batch), ms: Number(p.ms)}))};
  }
  return null;
}

/** The planners' table over `units` (default: all the profile's units, in its order). */
export function storedPerfTable(t: StoredTable, units?: readonly string[]): PerfTable {
  const names = units ?? t.units;
  const source = t.imported ? `the table imported from ${t.source_file}` : `the profile of ${t.model} (run ${t.run_id})`;
  for (const u of names) {
    if (!t.units.includes(u)) throw new UserError(`unit '${u}' has no measured times in ${source}`, {hint: `Units in that table: ${t.units.join(", ")}`});
  }
  return PerfTable.fromPoints(t.points, {units: names, source});
}

export function describeTable(t: StoredTable): string {
  return t.imported
    ? `table imported from ${t.source_file} (run ${t.run_id})`
    : `profile run ${t.run_id}, measured on ${t.host_name} ${t.collected_at.toISOString().slice(0, 16).replace("T", " ")} UTC, up to batch ${t.max_batch}`;
}
