// Latency tables measured elsewhere (a Jetson, a Raspberry Pi, a paper's table), one row per
// model x runtime x device:
//
//   model,runtime,device,latency_ms[,flops][,params][,batch][,threads]
//   mobilenet_v1,tflite,rpi4-cpu,72.5,1.137e9
//
// Every row is checked before anything is stored; the first bad row is reported with its line.

import {csvParseRows} from "d3-dsv";
import {InputError} from "../../common/errors.ts";
import type {benchResults} from "../../store/datasets.ts";
import type {RowOf} from "../../store/schema.ts";
import {Diagnostics} from "../common/diagnostics.ts";

export const REQUIRED = ["model", "runtime", "device", "latency_ms"] as const;
export const OPTIONAL = ["flops", "params", "batch", "threads"] as const;

export type LatencyRow = RowOf<typeof benchResults>;

function numberOrError(text: string, what: string, {integer = false, positive = true} = {}): number | string {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) return `${what} '${text}' is not a number`;
  if (positive && n <= 0) return `${what} must be greater than 0, got ${text}`;
  if (integer && !Number.isInteger(n)) return `${what} must be a whole number, got ${text}`;
  return n;
}

export function parseLatencyCsv(text: string, file: string): {rows: LatencyRow[]; diagnostics: Diagnostics} {
  const diagnostics = new Diagnostics();
  const records = csvParseRows(text.replace(/^\uFEFF/, ""));
  if (records.length === 0) throw new InputError(file, "the file is empty", {line: 1, hint: `The first line must be a header: ${REQUIRED.join(",")}[,${OPTIONAL.join(",")}]`});
  const header = records[0].map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new InputError(file, `header lacks column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (found: ${header.join(", ")})`, {
      line: 1,
      hint: `A latency table needs the columns ${REQUIRED.join(", ")}; optional: ${OPTIONAL.join(", ")}`
    });
  }
  const known = new Set<string>([...REQUIRED, ...OPTIONAL]);
  const ignored = header.filter((h) => !known.has(h));
  if (ignored.length) diagnostics.add("ignored_columns", "info", `columns not used: ${ignored.join(", ")}`, {line: 1});
  const col = (name: string) => header.indexOf(name);

  const rows: LatencyRow[] = [];
  const errors: {line: number; message: string}[] = [];
  // Line numbers count newlines inside quoted fields, so they match what an editor shows.
  let line = 1 + records[0].reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  for (const record of records.slice(1)) {
    line++;
    const thisLine = line;
    line += record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (record.every((f) => f.trim() === "")) continue;
    const get = (name: string) => (col(name) >= 0 ? (record[col(name)] ?? "").trim() : "");
    const problems: string[] = [];
    if (record.length !== header.length) problems.push(`${record.length} fields where the header has ${header.length}`);
    for (const name of ["model", "runtime", "device"]) if (!get(name)) problems.push(`${name} is empty`);
    const latency = numberOrError(get("latency_ms"), "latency_ms");
    const opt = (name: string, integer: boolean) => {
      if (!get(name)) return null;
      const v = numberOrError(get(name), name, {integer});
      if (typeof v === "string") problems.push(v);
      return typeof v === "number" ? v : null;
    };
    if (typeof latency === "string") problems.push(latency);
    const flops = opt("flops", false);
    const params = opt("params", true);
    const batch = opt("batch", true) ?? 1;
    const threads = opt("threads", true);
    if (problems.length) {
      errors.push({line: thisLine, message: problems.join("; ")});
      continue;
    }
    const [model, runtime, device] = [get("model"), get("runtime"), get("device")];
    rows.push({
      config_id: [model, runtime, device, `b${batch}`, "imported"].join("|"),
      model,
      model_source: "imported",
      model_file: null,
      runtime,
      device,
      threads,
      batch,
      opt_level: null,
      status: "ok",
      error: null,
      imported: true,
      source_file: file,
      params,
      flops,
      median_ms: latency as number
    });
  }
  if (errors.length) {
    const first = errors[0];
    throw new InputError(file, `${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more bad row${errors.length > 2 ? "s" : ""}, at line${errors.length > 2 ? "s" : ""} ${errors.slice(1, 4).map((e) => e.line).join(", ")}${errors.length > 4 ? ", ..." : ""})` : ""}`, {
      line: first.line,
      hint: "Nothing was imported. Fix the rows and run the import again."
    });
  }
  if (rows.length === 0) throw new InputError(file, "no data rows after the header", {line: 2, hint: "Add one row per model, runtime and device"});
  return {rows, diagnostics};
}
