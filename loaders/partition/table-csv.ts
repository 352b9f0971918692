// A performance table measured elsewhere, as CSV: one row per unit x batch size, time in ms.
//
//   unit,batch,ms
//   gpu0,1,4.1
//   gpu0,2,5.0
//   cpu,1,12.5
//
// Repeated (unit, batch) rows are repeats of one measurement: the planners use their median.
// An empty ms means "not measured" (a size that failed) and is skipped with a note; anything else
// that is not a positive number is an error. Every row is checked before anything is stored.

import {csvParseRows} from "d3-dsv";
import {InputError} from "../common/errors.ts";
import {Diagnostics} from "../formats/common/diagnostics.ts";

export const TABLE_COLUMNS = ["unit", "batch", "ms"] as const;

export interface TableCsvRow {
  unit: string;
  batch: number;
  ms: number;
  line: number;
}

export interface TableCsv {
  rows: TableCsvRow[];
  /** Units in first-appearance order, including any whose rows all lack a time. */
  units: string[];
  diagnostics: Diagnostics;
}

export function parseTableCsv(text: string, file: string): TableCsv {
  const diagnostics = new Diagnostics();
  const records = csvParseRows(text.replace(/^\uFEFF/, ""));
  const hint = `A performance table has the header ${TABLE_COLUMNS.join(",")} and one row per unit and batch size`;
  if (records.length === 0 || records.every((r) => r.every((f) => f.trim() === ""))) throw new InputError(file, "the file is empty", {line: 1, hint});
  const header = records[0].map((h) => h.trim().toLowerCase());
  const missing = TABLE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new InputError(file, `header lacks column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (found: ${header.join(", ")})`, {line: 1, hint});
  const extra = header.filter((h) => !(TABLE_COLUMNS as readonly string[]).includes(h));
  if (extra.length) diagnostics.add("ignored_columns", "info", `columns not used: ${extra.join(", ")}`, {line: 1});
  const col = Object.fromEntries(TABLE_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof TABLE_COLUMNS)[number], number>;

  const rows: TableCsvRow[] = [];
  const units: string[] = [];
  const errors: {line: number; message: string}[] = [];
  let line = 1 + records[0].reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  for (const record of records.slice(1)) {
    line++;
    const at = line;
    line += record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (record.every((f) => f.trim() === "")) continue;
    const get = (c: keyof typeof col) => (record[col[c]] ?? "").trim();
    const problems: string[] = [];
    if (record.length !== header.length) problems.push(`${record.length} fields where the header has ${header.length}`);
    const unit = get("unit");
    if (!unit) problems.push("unit is empty");
    const batchText = get("batch");
    const batch = Number(batchText);
    if (!batchText || !Number.isInteger(batch) || batch < 1) problems.push(`batch '${batchText}' is not a positive whole number`);
    const msText = get("ms");
    const ms = Number(msText);
    if (msText && (!Number.isFinite(ms) || ms <= 0)) problems.push(`ms '${msText}' is not a positive number of milliseconds`);
    if (problems.length) {
      errors.push({line: at, message: problems.join("; ")});
      continue;
    }
    if (!units.includes(unit)) units.push(unit);
    if (!msText) {
      diagnostics.add("not_measured", "warning", "rows with an empty ms (not measured) were skipped", {line: at});
      continue;
    }
    rows.push({unit, batch, ms, line: at});
  }
  if (errors.length) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more bad row${errors.length > 2 ? "s" : ""}, at line${errors.length > 2 ? "s" : ""} ${errors.slice(1, 4).map((e) => e.line).join(", ")}${errors.length > 4 ? ", ..." : ""})` : "";
    throw new InputError(file, `${first.message}${more}`, {line: first.line, hint: "Nothing was stored. Fix the rows and run the command again."});
  }
  if (units.length === 0) throw new InputError(file, "no data rows after the header", {line: 2, hint});
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(`${r.unit}\u0000${r.batch}`, (seen.get(`${r.unit}\u0000${r.batch}`) ?? 0) + 1);
  const repeats = [...seen.values()].filter((n) => n > 1).length;
  if (repeats) diagnostics.add("repeated_sizes", "info", `${repeats} unit/batch pair(s) appear more than once: their median is used`, {count: repeats});
  return {rows, units, diagnostics};
}

/** Read and parse a table file; a missing or unreadable file is a one-line error naming it. */
export async function readTableCsv(file: string): Promise<TableCsv> {
  const {readFile} = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as {code?: string}).code;
    throw new InputError(file, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (error as Error).message, {hint: "Check the path of the performance table (CSV: unit,batch,ms)"});
  }
  return parseTableCsv(text, file);
}
