// Query results to Arrow IPC (stream format) for the pages: Framework data loaders print these bytes
// to stdout and the pages hand them to DuckDB-wasm, which reads Arrow IPC with no extension.
// 64-bit integers become Float64 (exact below 2^53) because Plot and Inputs want numbers, not BigInts.

import {DuckDBTypeId, type DuckDBConnection, type DuckDBType} from "@duckdb/node-api";
import {maybeRedactTable} from "../history/redact-output.ts";
import {Bool, Float64, Int32, List, Field, TimestampMillisecond, Table, Utf8, vectorFromArray, tableToIPC, type DataType, type Vector} from "apache-arrow";

function arrowType(t: DuckDBType): DataType {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return new Int32();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return new Float64();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.DATE:
      return new TimestampMillisecond();
    case DuckDBTypeId.LIST:
      return new List(new Field("item", arrowType((t as unknown as {valueType: DuckDBType}).valueType), true));
    default:
      return new Utf8();
  }
}

function convert(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (type instanceof Float64) return typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number(value);
  if (type instanceof Int32) return Number(value);
  if (type instanceof TimestampMillisecond) return value instanceof Date ? value.getTime() : Number(value);
  if (type instanceof List) return (value as unknown[]).map((v) => convert(v, type.children[0].type));
  if (type instanceof Utf8) return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value, (_, v) => (typeof v === "bigint" ? Number(v) : v)) : String(value);
  return value;
}

/** Run `sql` and return its result as an Arrow table (types kept even with zero rows). */
export async function queryArrow(connection: DuckDBConnection, sql: string): Promise<Table> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map(arrowType);
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const type = types[i];
    vectors[name] = vectorFromArray((columns[i] ?? []).map((v) => convert(v, type)) as never[], type as never);
  });
  return new Table(vectors);
}

export async function queryArrowIPC(connection: DuckDBConnection, sql: string): Promise<Uint8Array> {
  // INFERSCOPE_REDACT=1 (a build for sharing): addresses, hostnames and user names replaced in every text column.
  return tableToIPC(await maybeRedactTable(await queryArrow(connection, sql), connection), "stream");
}
