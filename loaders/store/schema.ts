// Column types for the store and the TypeScript row types derived from them.
// A dataset's schema is declared once (see datasets.ts) and drives the Parquet writer,
// the empty-store views, the Arrow IPC the pages load, and the row type collectors fill.

export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "INTEGER" | "BOOLEAN" | "TIMESTAMP" | "DOUBLE[]";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** Null allowed (default false). */
  readonly nullable?: boolean;
  readonly doc: string;
}

export interface Dataset<C extends readonly Column[] = readonly Column[]> {
  readonly name: string;
  readonly doc: string;
  readonly columns: C;
}

type JsType<T extends ColumnType> = T extends "VARCHAR"
  ? string
  : T extends "DOUBLE" | "INTEGER"
    ? number
    : T extends "BIGINT"
      ? number | bigint
      : T extends "BOOLEAN"
        ? boolean
        : T extends "TIMESTAMP"
          ? Date
          : T extends "DOUBLE[]"
            ? number[]
            : never;

/** The row type of a dataset: required columns as their JS type, nullable ones may be null or omitted. */
export type RowOf<D extends Dataset> = {
  [K in D["columns"][number] as K["nullable"] extends true ? never : K["name"]]: JsType<K["type"]>;
} & {
  [K in D["columns"][number] as K["nullable"] extends true ? K["name"] : never]?: JsType<K["type"]> | null;
};

export function defineDataset<const C extends readonly Column[]>(d: Dataset<C>): Dataset<C> {
  const seen = new Set<string>();
  for (const c of d.columns) {
    if (seen.has(c.name)) throw new Error(`dataset ${d.name}: column ${c.name} declared twice`);
    seen.add(c.name);
  }
  return d;
}

/** Columns every stored row carries, filled by the store from the run context. */
export const RUN_COLUMNS = [
  {name: "run_id", type: "VARCHAR", doc: "identifier of the collection run that wrote the row"},
  {name: "collected_at", type: "TIMESTAMP", doc: "when the run started (UTC)"},
  {name: "host_id", type: "VARCHAR", doc: "short hash of the host fingerprint (hostname, CPU, cores, memory, OS)"},
  {name: "host_name", type: "VARCHAR", doc: "hostname of the machine that produced the data"},
  {name: "host_cpu", type: "VARCHAR", doc: "CPU model"},
  {name: "host_cores", type: "INTEGER", doc: "logical CPU cores"},
  {name: "host_memory_gb", type: "DOUBLE", doc: "total memory in GiB"},
  {name: "host_os", type: "VARCHAR", doc: "operating system, kernel and architecture"},
  {name: "host_node", type: "VARCHAR", doc: "Node.js version"},
  {name: "host_libs", type: "VARCHAR", doc: "JSON object of library versions (onnxruntime-node, onnxruntime-web, duckdb, inferscope)"}
] as const satisfies readonly Column[];

export function sqlType(t: ColumnType): string {
  return t;
}

/** A SQL string literal (for values that cannot be bound as parameters, e.g. in views and file lists). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
