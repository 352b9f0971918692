import assert from "node:assert/strict";
import {readdir, readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {queryArrow} from "../../../loaders/store/arrow.ts";
import {runs} from "../../../loaders/store/datasets.ts";
import {writeParquetAtomic} from "../../../loaders/store/parquet.ts";
import {appendRows, datasetFiles, finishRun, newRun, openStore, queryStore} from "../../../loaders/store/store.ts";
import {storeImport} from "../../../loaders/formats/common/store-import.ts";
import {Diagnostics} from "../../../loaders/formats/common/diagnostics.ts";
import {tempDir} from "../../helpers/tmp.ts";

const columns = [
  {name: "name", type: "VARCHAR", doc: ""},
  {name: "ms", type: "DOUBLE", doc: ""},
  {name: "n", type: "BIGINT", doc: ""},
  {name: "ok", type: "BOOLEAN", nullable: true, doc: ""},
  {name: "at", type: "TIMESTAMP", doc: ""},
  {name: "samples", type: "DOUBLE[]", nullable: true, doc: ""}
] as const;

async function readBack(path: string) {
  const {DuckDBInstance} = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  const rows = (await c.runAndReadAll(`SELECT * FROM read_parquet('${path}') ORDER BY name`)).getRowObjectsJS();
  c.closeSync();
  instance.closeSync();
  return rows;
}

const at = new Date("2026-01-02T03:04:05.678Z");

describe("atomic Parquet writes", () => {
  it("round-trips every column type, nulls included", async () => {
    const dir = await tempDir();
    const path = join(dir, "a.parquet");
    await writeParquetAtomic(path, columns, [
      {name: "a", ms: 1.25, n: 2 ** 40, ok: true, at, samples: [1, 2.5]},
      {name: "b", ms: -0, n: 3n, ok: null, at, samples: null}
    ]);
    const rows = await readBack(path);
    assert.deepEqual(rows[0], {name: "a", ms: 1.25, n: BigInt(2 ** 40), ok: true, at, samples: [1, 2.5]});
    assert.equal(rows[1].ok, null);
    assert.equal(rows[1].samples, null);
  });

  it("a write that throws midway leaves the previous file intact and no temp file behind", async () => {
    const dir = await tempDir();
    const path = join(dir, "keep.parquet");
    await writeParquetAtomic(path, columns, [{name: "good", ms: 1, n: 1, at}]);
    const before = await readFile(path);
    // Row 2 has a string where a number belongs: the appender fails after row 1 was appended.
    await assert.rejects(
      writeParquetAtomic(path, columns, [{name: "new", ms: 2, n: 2, at}, {name: "bad", ms: "oops", n: 3, at}]),
      /row 1: column ms expects DOUBLE, got string/
    );
    assert.deepEqual(await readFile(path), before);
    assert.deepEqual(await readdir(dir), ["keep.parquet"]);
  });

  it("a failure after the temp file is complete still leaves the target untouched", async () => {
    const dir = await tempDir();
    const path = join(dir, "keep.parquet");
    await writeParquetAtomic(path, columns, [{name: "good", ms: 1, n: 1, at}]);
    const before = await readFile(path);
    let sawTemp = false;
    await assert.rejects(
      writeParquetAtomic(path, columns, [{name: "new", ms: 2, n: 2, at}], {
        beforeRename: async (temp) => {
          sawTemp = (await readFile(temp)).length > 0;
          throw new Error("disk full (simulated)");
        }
      }),
      /disk full/
    );
    assert.ok(sawTemp, "the temp file was written completely before the failure");
    assert.deepEqual(await readFile(path), before);
    assert.deepEqual((await readBack(path)).map((r) => r.name), ["good"]);
    assert.deepEqual(await readdir(dir), ["keep.parquet"]);
  });

  it("names the row and column of a missing required value", async () => {
    const dir = await tempDir();
    await assert.rejects(writeParquetAtomic(join(dir, "x.parquet"), columns, [{name: "a", n: 1, at}]), /row 0: column ms \(DOUBLE\) is required but missing/);
  });
});

describe("the store", () => {
  it("appends parts without touching earlier ones, stamped with run and host", async () => {
    const root = await tempDir();
    const run1 = newRun("test", {i: 1});
    const run2 = newRun("test", {i: 2});
    await finishRun(run1, {status: "ok", rows_written: 1}, {root});
    const first = datasetFiles("runs", root);
    const firstBytes = await readFile(first[0]);
    await finishRun(run2, {status: "failed", rows_written: 0, error: "boom"}, {root});
    assert.equal(datasetFiles("runs", root).length, 2);
    assert.deepEqual(await readFile(first[0]), firstBytes, "earlier part unchanged");
    const rows = await queryStore("SELECT run_id, status, error, host_cores, config FROM runs ORDER BY status DESC", {root});
    assert.deepEqual(rows.map((r) => [r.run_id, r.status, r.error, JSON.parse(r.config as string).i]), [
      [run1.run_id, "ok", null, 1],
      [run2.run_id, "failed", "boom", 2]
    ]);
    assert.equal(typeof rows[0].host_cores, "number");
    assert.ok(first[0].includes(`runs/date=${run1.collected_at.toISOString().slice(0, 10)}/${run1.run_id}-0.parquet`));
  });

  it("an empty store gives typed, empty views (pages can still load them)", async () => {
    const root = await tempDir();
    const store = await openStore(root);
    try {
      const table = await queryArrow(store.connection, "SELECT * FROM runs");
      assert.equal(table.numRows, 0);
      const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
      assert.equal(types.collected_at, "Timestamp<MILLISECOND>");
      assert.equal(types.rows_written, "Float64", "BIGINT goes to pages as Float64");
      assert.equal(types.host_cores, "Int32");
    } finally {
      store.close();
    }
  });

  it("ignores stray temp files from an interrupted write", async () => {
    const root = await tempDir();
    await finishRun(newRun("test"), {status: "ok", rows_written: 0}, {root});
    const dir = join(root, "runs");
    const [partDir] = await readdir(dir);
    await writeFile(join(dir, partDir, ".x.parquet.tmp-1-abc"), "half a file");
    assert.equal((await queryStore("SELECT count(*)::INT AS n FROM runs", {root}))[0].n, 1);
  });

  it("storeImport writes every dataset or none: a failing write removes what it wrote", async () => {
    const root = await tempDir();
    await finishRun(newRun("earlier"), {status: "ok", rows_written: 0}, {root});
    const before = datasetFiles("runs", root).sort();
    const diagnostics = new Diagnostics();
    diagnostics.add("bad_record", "warning", "a bad record", {line: 3});
    const good = {kind: "x", status: "ok", ended_at: at, command: "c", config: "{}", rows_written: 1};
    await assert.rejects(
      storeImport({
        kind: "import test",
        config: {},
        sourceFile: "f.csv",
        format: "test",
        // The first write succeeds, the second has a bad value: the first must be rolled back.
        writes: [
          {dataset: runs, rows: [good]},
          {dataset: runs, rows: [{...good, rows_written: "many" as unknown as number}]}
        ],
        diagnostics,
        root
      }),
      /rows_written expects BIGINT/
    );
    assert.deepEqual(datasetFiles("runs", root).sort(), before);
    assert.deepEqual(datasetFiles("import_diagnostics", root), []);
  });

  it("appendRows writes nothing for no rows", async () => {
    const root = await tempDir();
    assert.equal(await appendRows(runs, [], newRun("x"), {root}), null);
    assert.deepEqual(datasetFiles("runs", root), []);
  });
});
