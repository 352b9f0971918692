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

function appendValue(appender: DuckDBAppender, column: Column, value: unknown, rowIndex: number): void {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new Error(`row ${rowIndex}: column ${column.name} (${column.type}) is required but missing`);
    appender.appendNull();
    return;
  }
  const bad = (): never => {
    throw new Error(`row ${rowIndex}: column ${column.name} expects ${column.type}, got ${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`);
  };
  switch (column.type) {
    case "VARCHAR":
      if (typeof value !== "string") bad();
      appender.appendVarchar(value as string);
      return;
    case "DOUBLE":
      if (typeof value !== "number") bad();
      appender.appendDouble(value as number);
      return;
    case "INTEGER":
      if (typeof value !== "number" || !Number.isInteger(value)) bad();
      appender.appendInteger(value as number);
      return;
    case "BIGINT":
      if (typeof value === "bigint") appender.appendBigInt(value);
      else if (typeof value === "number" && Number.isInteger(value)) appender.appendBigInt(BigInt(value));
      else bad();
      return;
    case "BOOLEAN":
      if (typeof value !== "boolean") bad();
      appender.appendBoolean(value as boolean);
      return;
    case "TIMESTAMP":
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) bad();
      appender.appendTimestamp(new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n));
      return;
    case "DOUBLE[]":
      if (!Array.isArray(value) || value.some((v) => typeof v !== "number")) bad();
      appender.appendList(value as number[], DOUBLE_LIST);
      return;
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
