// The pages' DuckDB client (src/components/duckdb.js) against real DuckDB-wasm, run in Node through
// duckdb-wasm's blocking build: values are bound as parameters, never spliced into SQL.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {before, describe, it} from "node:test";
import {createDuckDB, NODE_RUNTIME, VoidLogger} from "@duckdb/duckdb-wasm/blocking";
import {tableFromArrays, tableToIPC} from "apache-arrow";
// @ts-expect-error: plain JavaScript component without type declarations
import {Database, bindTemplate} from "../../../src/components/duckdb.js";

const require = createRequire(import.meta.url);

async function blockingDatabase() {
  const wasm = require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm");
  const bindings = await createDuckDB({mvp: {mainModule: require.resolve("@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm"), mainWorker: ""}, eh: {mainModule: wasm, mainWorker: ""}}, new VoidLogger(), NODE_RUNTIME);
  await bindings.instantiate();
  bindings.open({query: {castBigIntToDouble: true, castTimestampToDate: true}});
  return new Database(bindings.connect());
}

describe("DuckDB client for pages", () => {
  let db: any;
  const evil = "x'); drop table t; --";

  before(async () => {
    db = await blockingDatabase();
    const ipc = tableToIPC(tableFromArrays({name: ["a", evil, "b"], ms: Float64Array.from([1.5, 2.5, 3.5])}), "stream");
    await db.registerArrow("t", ipc);
  });

  it("binds a hostile value as a parameter instead of executing it", async () => {
    const none = await db.sql`SELECT count(*) AS n FROM t WHERE name = ${"nobody"}`;
    assert.equal(none.toArray()[0].n, 0);
    const hit = await db.rows`SELECT name, ms FROM t WHERE name = ${evil}`;
    assert.deepEqual(hit, [{name: evil, ms: 2.5}], "the exact string matched as data");
    const still = await db.rows`SELECT count(*) AS n FROM t`;
    assert.equal(still[0].n, 3, "table t still exists with all rows");
  });

  it("turns values into placeholders and arrays into lists", () => {
    const strings = Object.assign(["SELECT * FROM t WHERE name IN ", " AND ms > ", ""], {raw: []});
    assert.deepEqual(bindTemplate(strings, [["a", "b"], 2]), {text: "SELECT * FROM t WHERE name IN (?, ?) AND ms > ?", params: ["a", "b", 2]});
    assert.deepEqual(bindTemplate(strings, [[], 0]).text, "SELECT * FROM t WHERE name IN (NULL) AND ms > ?");
  });

  it("filters with bound arrays and numbers (what reactive inputs pass)", async () => {
    const rows = await db.rows`SELECT name FROM t WHERE name IN ${["a", "b", evil]} AND ms > ${2} ORDER BY ms`;
    assert.deepEqual(rows.map((r: any) => r.name), [evil, "b"]);
    assert.deepEqual(await db.rows`SELECT name FROM t WHERE name IN ${[]}`, []);
  });

  it("registers an empty Arrow table with its columns", async () => {
    const empty = tableToIPC(tableFromArrays({name: [] as string[], ms: new Float64Array(0)}), "stream");
    await db.registerArrow("empty", empty);
    const result = await db.sql`SELECT * FROM empty`;
    assert.equal(result.numRows, 0);
    assert.deepEqual(result.schema.fields.map((f: any) => f.name), ["name", "ms"]);
  });
});
