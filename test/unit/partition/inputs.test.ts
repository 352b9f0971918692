// What the partition commands read from users: --units specs and performance-table CSVs.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import {InputError, UserError} from "../../../loaders/common/errors.ts";
import {parseTableCsv} from "../../../loaders/partition/table-csv.ts";
import {autoPin, parseUnits} from "../../../loaders/partition/units.ts";

describe("--units", () => {
  it("parses kinds, threads and pinning, and names repeats apart", () => {
    const units = parseUnits("cpu:1,cpu:1,wasm:2@0-1,cuda", {cores: 2});
    assert.deepEqual(units.map((u) => u.label), ["cpu:1", "cpu:1#2", "wasm:2@0-1", "cuda"]);
    assert.deepEqual(units.map((u) => u.runtime), ["ort-cpu", "ort-cpu", "ort-wasm", "ort-cuda"]);
    assert.deepEqual(units.map((u) => u.threads), [1, 1, 2, 1]);
    assert.deepEqual(units.map((u) => u.cores), [null, null, "0-1", null]);
    assert.equal(units[3].device, 0);
    assert.equal(parseUnits("cuda:1", {cores: 2})[0].device, 1);
  });

  it("--pin gives each unpinned unit cores of its own, wrapping around", () => {
    const pinned = autoPin(parseUnits("cpu:1,cpu:1,wasm:1", {cores: 2}), 2);
    assert.deepEqual(pinned.map((u) => u.label), ["cpu:1@0", "cpu:1@1", "wasm:1@0"]);
    assert.deepEqual(pinned.map((u) => u.cores), ["0", "1", "0"]);
    assert.deepEqual(autoPin(parseUnits("cpu:2,cpu:1@1", {cores: 2}), 2).map((u) => u.cores), ["0-1", "1"]);
  });

  it("refuses bad specs with the item named", () => {
    for (const [text, pattern] of [
      ["cpu:1,gpu:1", /'gpu:1' is not a unit/],
      ["cpu:0", /asks for 0 threads/],
      ["cpu:1@5", /pins to core 5, but this machine has cores 0-1/],
      ["", /name at least one unit/],
      ["cpu:1@1-0", /empty core range/]
    ] as const) {
      assert.throws(() => parseUnits(text, {cores: 2}), (e: Error) => e instanceof UserError && pattern.test(e.message), text);
    }
  });
});

describe("performance table CSV", () => {
  it("reads unit, batch, ms in any column order, merging repeats and skipping unmeasured sizes", () => {
    const csv = "batch,unit,ms,note\n1,gpu,4.0,\n2,gpu,5.0,\n2,gpu,5.4,repeat\n1,cpu,10,\n4,cpu,,failed\n";
    const {rows, units, diagnostics} = parseTableCsv(csv, "t.csv");
    assert.deepEqual(units, ["gpu", "cpu"]);
    assert.deepEqual(rows.map((r) => [r.unit, r.batch, r.ms, r.line]), [["gpu", 1, 4, 2], ["gpu", 2, 5, 3], ["gpu", 2, 5.4, 4], ["cpu", 1, 10, 5]]);
    assert.equal(diagnostics.count("not_measured"), 1);
    assert.equal(diagnostics.count("repeated_sizes"), 1);
    assert.equal(diagnostics.count("ignored_columns"), 1);
  });

  it("fails on the first bad row with its line, counting the others", () => {
    const csv = "unit,batch,ms\ncpu,1,3\ncpu,two,4\ncpu,4,-1\ncpu,8\n";
    assert.throws(
      () => parseTableCsv(csv, "bad.csv"),
      (e: Error) => e instanceof InputError && e.line === 3 && /bad\.csv:3: batch 'two' is not a positive whole number \(and 2 more bad rows, at lines 4, 5\)/.test(e.message)
    );
  });

  it("refuses a missing column, an empty file and a header with no rows", () => {
    assert.throws(() => parseTableCsv("unit,size,ms\ncpu,1,2\n", "h.csv"), /h\.csv:1: header lacks column batch/);
    assert.throws(() => parseTableCsv("", "e.csv"), /e\.csv:1: the file is empty/);
    assert.throws(() => parseTableCsv("unit,batch,ms\n", "n.csv"), /n\.csv:2: no data rows/);
  });

  it("a row cut short by truncation is an error, not a silent zero", () => {
    assert.throws(() => parseTableCsv("unit,batch,ms\ncpu,1,3.5\ncpu,2", "cut.csv"), (e: Error) => e instanceof InputError && e.line === 3 && /2 fields where the header has 3/.test(e.message));
  });
});
