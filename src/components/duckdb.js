// DuckDB-wasm for the pages, entirely from node_modules (no CDN): a module worker, the EH build,
// and tables registered from the Arrow IPC files the data loaders write.
// `db.sql` is a tagged template whose ${…} values are bound as prepared-statement parameters,
// never spliced into the SQL text, so values from inputs or files cannot change the query.

import * as duckdb from "@duckdb/duckdb-wasm";

const WASM = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm");
const WORKER = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js");

let shared;

/** One DuckDB-wasm instance per page, started on first use. */
function instance() {
  return (shared ??= (async () => {
    const worker = new Worker(WORKER, {type: "module"});
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(WASM);
    // BigInt and raw timestamp numbers are awkward in Plot and Inputs: ask for doubles and Dates.
    await db.open({query: {castBigIntToDouble: true, castTimestampToDate: true}});
    return db;
  })());
}

/**
 * Turn a tagged template into SQL text with `?` placeholders and the list of bound values.
 * An array value becomes a parenthesised list of placeholders, for `x IN ${values}`;
 * an empty array becomes (NULL), which matches nothing.
 */
export function bindTemplate(strings, values) {
  let text = strings[0];
  const params = [];
  values.forEach((value, i) => {
    if (Array.isArray(value)) {
      text += value.length ? `(${value.map(() => "?").join(", ")})` : "(NULL)";
      params.push(...value);
    } else {
      text += "?";
      params.push(value instanceof Date ? value.toISOString() : value);
    }
    text += strings[i + 1];
  });
  return {text, params};
}

export class Database {
  /** @param conn a DuckDB-wasm connection (async in the browser; the blocking one works too, for tests) */
  constructor(conn) {
    this._conn = conn;
    this.sql = this.sql.bind(this);
    this.rows = this.rows.bind(this);
  }

  /** Start DuckDB and register each named Arrow IPC buffer (or promise of one) as a table. */
  static async of(tables = {}) {
    const db = await instance();
    const conn = await db.connect();
    const database = new Database(conn);
    for (const [name, bytes] of Object.entries(tables)) await database.registerArrow(name, await bytes);
    return database;
  }

  async registerArrow(name, bytes) {
    const buffer = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    await this._conn.query(`DROP TABLE IF EXISTS "${name.replaceAll('"', '""')}"`);
    await this._conn.insertArrowFromIPCStream(buffer, {name, create: true});
  }

  /** Run SQL with positional parameters; returns an Arrow table (Plot and Inputs draw it directly). */
  async query(text, params = []) {
    if (params.length === 0) return this._conn.query(text);
    const statement = await this._conn.prepare(text);
    try {
      return await statement.query(...params);
    } finally {
      await statement.close();
    }
  }

  /** The sql`…` tag: values are bound as parameters, never concatenated into the query. */
  sql(strings, ...values) {
    const {text, params} = bindTemplate(strings, values);
    return this.query(text, params);
  }

  /** Rows as plain objects, for small results used in prose. */
  async rows(strings, ...values) {
    return (await this.sql(strings, ...values)).toArray().map((row) => row.toJSON());
  }
}
