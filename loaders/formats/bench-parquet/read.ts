// Reads a Parquet file written by `inferscope bench --export` on another machine: bench_results
// rows with their own run and host columns, so the device that measured them stays named.

import {DuckDBInstance} from "@duckdb/node-api";
import {InputError} from "../../common/errors.ts";
import {benchResults} from "../../store/datasets.ts";
import {firstRowError} from "../../store/parquet.ts";
import {RUN_COLUMNS} from "../../store/schema.ts";
import {allColumns} from "../../store/store.ts";

export type ExportedRow = Record<string, unknown> & {run_id: string};

export async function readBenchExport(file: string): Promise<ExportedRow[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    let reader;
    try {
      reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
    } catch (error) {
      throw new InputError(file, `not a readable Parquet file (${(error as Error).message.split("\n")[0]})`, {hint: "Give a file written by `inferscope bench --export FILE.parquet`"});
    }
    const names = new Set(reader.columnNames());
    const required = allColumns(benchResults).filter((c) => !c.nullable).map((c) => c.name);
    const missing = required.filter((n) => !names.has(n));
    if (missing.length) {
      throw new InputError(file, `not a bench export: missing column${missing.length > 1 ? "s" : ""} ${missing.slice(0, 6).join(", ")}${missing.length > 6 ? ", ..." : ""}`, {
        hint: "Give a file written by `inferscope bench --export FILE.parquet`"
      });
    }
    const rows = reader.getRowObjectsJS() as ExportedRow[];
    const error = firstRowError(allColumns(benchResults), rows);
    if (error) throw new InputError(file, error.replace(/^row (\d+)/, (_, i) => `row ${Number(i) + 1}`), {hint: "Nothing was imported; the file may be damaged or from an incompatible version"});
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export function runColumnNames(): string[] {
  return RUN_COLUMNS.map((c) => c.name);
}
