// Redaction of what the pages load, at build time: `INFERSCOPE_REDACT=1 npm run build` makes every
// data loader replace addresses, hostnames and user names in its output (every text column of an
// Arrow table, every string of a JSON value). The store itself is left as it is.

import type {DuckDBConnection} from "@duckdb/node-api";
import {DataType, Table, Utf8, List, Field, vectorFromArray, type Vector} from "apache-arrow";
import {DATASETS} from "../store/datasets.ts";
import {quoteIdent} from "../store/schema.ts";
import {openStore} from "../store/store.ts";
import {redactorFor, type Redactor} from "./redact.ts";

/** INFERSCOPE_REDACT set to 1/true/yes/on. */
export function redactionRequested(): boolean {
  const v = (process.env.INFERSCOPE_REDACT ?? "").trim().toLowerCase();
  return v !== "" && !["0", "false", "no", "off"].includes(v);
}

/** Every hostname stamped on rows of the store (this machine's and those of imported runs). */
export async function storeHostnames(connection: DuckDBConnection): Promise<string[]> {
  const sql = Object.keys(DATASETS).map((n) => `SELECT DISTINCT host_name FROM ${quoteIdent(n)}`).join(" UNION ");
  const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS() as {host_name: string | null}[];
  return rows.map((r) => r.host_name).filter((h): h is string => !!h);
}

async function storeRedactor(connection?: DuckDBConnection): Promise<Redactor> {
  if (connection) return redactorFor({hostnames: await storeHostnames(connection)});
  const store = await openStore();
  try {
    return redactorFor({hostnames: await storeHostnames(store.connection)});
  } finally {
    store.close();
  }
}

/** The table with every text value (and text list) redacted; other columns untouched. */
export function redactTable(table: Table, r: Redactor): Table {
  const columns: Record<string, Vector> = {};
  for (const field of table.schema.fields) {
    const v = table.getChild(field.name)!;
    if (DataType.isUtf8(field.type)) {
      columns[field.name] = vectorFromArray(Array.from(v, (x) => (x == null ? null : r.text(String(x)))) as never[], new Utf8() as never);
    } else if (DataType.isList(field.type) && DataType.isUtf8((field.type as List).children[0].type)) {
      const values = Array.from(v, (x) => (x == null ? null : Array.from(x as Iterable<string | null>, (s) => (s == null ? null : r.text(s)))));
      columns[field.name] = vectorFromArray(values as never[], new List(new Field("item", new Utf8(), true)) as never);
    } else {
      columns[field.name] = v;
    }
  }
  return new Table(columns);
}

/** A query result, redacted when INFERSCOPE_REDACT asks for it (`connection` has the store's views). */
export async function maybeRedactTable(table: Table, connection?: DuckDBConnection): Promise<Table> {
  return redactionRequested() ? redactTable(table, await storeRedactor(connection)) : table;
}

/** A JSON value, redacted when INFERSCOPE_REDACT asks for it. */
export async function maybeRedactJson<T>(value: T): Promise<T> {
  if (!redactionRequested()) return value;
  return (await storeRedactor()).value(value);
}
