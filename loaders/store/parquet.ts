// Writes typed rows to a Parquet file with DuckDB, atomically: the file is written under a
// temporary name beside the target and renamed over it only once complete, so a failed or
// interrupted write never leaves a half-written file nor replaces the last good one.

import {DOUBLE, DuckDBInstance, DuckDBTimestampValue, LIST, type DuckDBAppender} from "@duckdb/node-api";

const DOUBLE_LIST = LIST(DOUBLE);
import {mkdir, rename, rm} from "node:fs/promises";
import {dirname, basename, join} from "node:path";
import {quoteIdent, type Column} from "./schema.ts";

export interface WriteHooks {
  /** Called after the temp file is complete, before it replaces the target (tests use it to fail there). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** Why `value` does not fit `column`, or null when it does. */
export function valueError(column: Column, value: unknown): string | null {
  if (value === null || value === undefined) return column.nullable ? null : `column ${column.name} (${column.type}) is required but missing`;
  const ok = (() => {
    switch (column.type) {
      case "VARCHAR":
        return typeof value === "string";
      case "DOUBLE":
        return typeof value === "number";
      case "INTEGER":
        return typeof value === "number" && Number.isInteger(value);
      case "BIGINT":
        return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
      case "BOOLEAN":
        return typeof value === "boolean";
      case "TIMESTAMP":
        return value instanceof Date && !Number.isNaN(value.getTime());
      case "DOUBLE[]":
        return Array.isArray(value) && value.every((v) => typeof v === "number");
    }
  })();
  return ok ? null : `column ${column.name} expects ${column.type}, got ${typeof value} ${JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v))?.slice(0, 60)}`;
}

/** The first row that does not fit the columns, as "row i: why", or null. */
export function firstRowError(columns: readonly Column[], rows: readonly Record<string, unknown>[]): string | null {
  for (let i = 0; i < rows.length; i++) {
    for (const column of columns) {
      const e = valueError(column, rows[i][column.name]);
      if (e) return `row ${i}: ${e}`;
    }
  }
  return null;
}

function appendValue(appender: DuckDBAppender, column: Column, value: unknown, rowIndex: number): void {
  const e = valueError(column, value);
  if (e) throw new Error(`row ${rowIndex}: ${e}`);
  if (value === null || value === undefined) return appender.appendNull();
  switch (column.type) {
    case "VARCHAR":
      return appender.appendVarchar(value as string);
    case "DOUBLE":
      return appender.appendDouble(value as number);
    case "INTEGER":
      return appender.appendInteger(value as number);
    case "BIGINT":
      return appender.appendBigInt(typeof value === "bigint" ? value : BigInt(value as number));
    case "BOOLEAN":
      return appender.appendBoolean(value as boolean);
    case "TIMESTAMP":
      return appender.appendTimestamp(new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n));
    case "DOUBLE[]":
      return appender.appendList(value as number[], DOUBLE_LIST);
  }
}

/** Write `rows` (objects keyed by column name) to `path` as Parquet, atomically. */
export async function writeParquetAtomic(
  path: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  hooks: WriteHooks = {}
): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const temp = tempPathFor(path);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE t (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")})`);
    const appender = await connection.createAppender("t");
    try {
      rows.forEach((row, i) => {
        for (const column of columns) appendValue(appender, column, row[column.name], i);
        appender.endRow();
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await connection.run(`COPY t TO '${temp.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    await hooks.beforeRename?.(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, {force: true});
    throw error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
