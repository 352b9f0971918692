// TFLite op-profiling tables -> op_profiles rows (one per node, averaged over the benchmark runs).
//
// Meaning of the columns, from tensorflow/core/util/stats_calculator.cc (ColumnString) and
// tensorflow/lite/profiling/profile_summarizer.cc (ProcessProfiles):
// - node type: the op's builtin name (CONV_2D), "/<description>" appended when the kernel gives a
//   profiling string; a delegate kernel's name (TfLiteXNNPackDelegate); "DelegateOpInvoke" for ops
//   inside a delegate (their names are "Delegate/<op>:<index>").
// - name: "[output tensors]:<node index>".
// - [start]: average start of the node in ms from the first event of the run (older releases only).
// - [first] / [avg ms]: first and average time of one execution, ms. [%] of the graph's run total.
// - [times called]: executions per run (integer division by the number of runs).
// "Summary by node type" sums nodes of a type: [avg ms] there is the per-run total of the type.
// Which table is used, per graph: "Run Order" (all nodes); else "Top by Computation Time" (only the top
// 10 by default); else "Summary by node type" (one row per type). The initialization profile is skipped.

import {InputError} from "../../common/errors.ts";
import type {Diagnostics} from "../common/diagnostics.ts";
import type {OpScope, ParsedOpRow} from "../../ops/profile-rows.ts";
import type {TfliteToken} from "./tokenizer.ts";

const NUM = "[-+]?(?:\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|\\.\\d+|nan|inf|infinity)";
const NUM_RE = new RegExp(`^${NUM}$`, "i");

type Kind = "text" | "number" | "percent" | "int" | "name";

function columnKind(column: string, isLast: boolean): Kind {
  if (column === "node type") return "text";
  if (column === "name") return "name";
  if (column === "%" || column === "cdf%" || column === "avg %" || column === "cdf %") return "percent";
  if (column === "times called" || column === "count") return "int";
  if (isLast) return "name";
  return "number";
}

const KNOWN = new Set(["node type", "start", "first", "avg ms", "%", "cdf%", "mem kb", "times called", "name", "count", "avg %", "cdf %"]);

export interface TableRow {
  values: Map<string, string>;
  line: number;
}

interface Table {
  title: string;
  columns: string[];
  rows: TableRow[];
  line: number;
  /** The file ends inside or right after this table: its last rows may be missing. */
  cut?: number;
}

interface GraphProfile {
  graph: "primary" | "subgraph" | "delegate";
  index: number;
  tables: Map<string, Table>;
  runs: number | null;
  nodesExecuted: number | null;
}

function toNumber(s: string): number | null {
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : null;
}

/** Split one table row into its columns, checking every numeric field; names keep any separators. */
export function splitRow(text: string, layout: "text" | "csv", columns: string[], file: string, line: number): Map<string, string> {
  const kinds = columns.map((c, i) => columnKind(c, i === columns.length - 1));
  const expected = `${columns.length} columns (${columns.join(", ")})`;
  let fields: string[];
  if (layout === "text") {
    const parts = text.split("\t");
    if (parts[0].trim() === "") parts.shift();
    if (parts.length < columns.length) {
      throw new InputError(file, `table row has ${parts.length} tab-separated fields, expected ${expected}; the line may be cut short`, {line});
    }
    fields = kinds[kinds.length - 1] === "name" ? [...parts.slice(0, columns.length - 1), parts.slice(columns.length - 1).join("\t")] : parts.slice(0, columns.length);
    if (parts.length > columns.length && kinds[kinds.length - 1] !== "name") {
      throw new InputError(file, `table row has ${parts.length} tab-separated fields, expected ${expected}`, {line});
    }
    fields = fields.map((f, i) => (kinds[i] === "name" ? f.replace(/^ +/, "") : f.trim()));
  } else {
    // "node type, first, ..., name": the type may itself contain ", " (delegate op names such as
    // "Convolution (NHWC, F32) IGEMM"), so match the numeric middle instead of splitting blindly.
    const parts = kinds.map((k) => (k === "text" ? "(.*?)" : k === "name" ? "(.*)" : k === "percent" ? `(${NUM})%` : `(${NUM})`));
    const re = new RegExp(`^${parts.join(", ")}\\s*$`, "i");
    const m = re.exec(text.trim());
    if (!m) throw new InputError(file, `table row does not match the CSV header: expected ${expected}, found ${JSON.stringify(text.trim().slice(0, 100))}`, {line});
    fields = m.slice(1);
    // The newer CSV writer turns commas inside names into tabs (ColumnString): turn them back.
    fields = fields.map((f, i) => (kinds[i] === "name" ? f.replaceAll("\t", ",") : f));
  }
  const values = new Map<string, string>();
  columns.forEach((c, i) => {
    let v = fields[i];
    const kind = kinds[i];
    if (kind === "percent") v = v.replace(/%$/, "");
    if ((kind === "number" || kind === "percent" || kind === "int") && !NUM_RE.test(v)) {
      throw new InputError(file, `column '${c}' should hold a number${kind === "percent" ? " followed by %" : ""}, found ${JSON.stringify(fields[i])}`, {line});
    }
    values.set(c, v);
  });
  return values;
}

function collect(tokens: TfliteToken[], file: string, diagnostics: Diagnostics): {run: GraphProfile[]; sawInit: boolean} {
  const run: GraphProfile[] = [];
  let sawInit = false;
  let section: "init" | "run" = "run";
  let current: GraphProfile | null = null;
  let table: (Table & {layout: "text" | "csv"}) | null = null;
  let pendingBanner: {title: string; line: number} | null = null;
  const graphFor = (graph: GraphProfile["graph"], index: number): GraphProfile => {
    const g: GraphProfile = {graph, index, tables: new Map(), runs: null, nodesExecuted: null};
    if (section === "run") run.push(g);
    return g;
  };
  for (const t of tokens) {
    if (pendingBanner && t.kind !== "header") {
      const found = t.kind === "not-header" ? JSON.stringify(t.text.trim().slice(0, 80)) : "none";
      throw new InputError(file, `expected the column header line after the '${pendingBanner.title}' banner (e.g. "[node type] [first] [avg ms] ..." or "node type, first, avg_ms, ..."), found ${found}`, {line: pendingBanner.line + 1});
    }
    switch (t.kind) {
      case "section":
        section = t.section;
        if (section === "init") sawInit = true;
        current = null;
        break;
      case "graph":
        current = graphFor(t.graph, t.index);
        break;
      case "banner":
        pendingBanner = {title: t.title, line: t.line};
        break;
      case "header": {
        const title = pendingBanner!.title;
        pendingBanner = null;
        for (const c of t.columns) if (!KNOWN.has(c)) diagnostics.add("unknown_column", "info", `unknown column '${c}' in a '${title}' table was kept as text`, {line: t.line});
        if (!t.columns.includes("node type")) throw new InputError(file, `the '${title}' table header has no 'node type' column`, {line: t.line});
        current ??= graphFor("primary", 0);
        table = {title, columns: t.columns, rows: [], line: t.line, layout: t.layout};
        if (section === "run") {
          if (current.tables.has(title)) diagnostics.add("repeated_table", "warning", `a second '${title}' table for the same graph was ignored`, {line: t.line});
          else current.tables.set(title, table);
        }
        break;
      }
      case "row":
        if (section === "run" && table) table.rows.push({values: splitRow(t.text, table.layout, table.columns, file, t.line), line: t.line});
        break;
      case "end":
        if (t.eof && table) table.cut = t.line;
        table = null;
        break;
      case "timings":
        if (section === "run" && current) current.runs = t.runs;
        break;
      case "nodes":
        if (section === "run" && current) current.nodesExecuted = t.count;
        break;
    }
  }
  if (pendingBanner) throw new InputError(file, `the file ends after the '${pendingBanner.title}' banner, expected its column header and rows (file cut short?)`, {line: pendingBanner.line});
  return {run, sawInit};
}

function scopeOf(graph: GraphProfile["graph"], type: string, name: string): OpScope {
  // Ops inside a delegate kernel: the "Delegate internal" tables, older releases' DelegateOpInvoke rows,
  // and ops a delegate reports into the graph's own table (XNNPACK's DELEGATE_PROFILED_OPERATOR_INVOKE_EVENT,
  // named "Delegate/<op>:<index>"), whose time the delegate kernel's own row already holds.
  if (graph === "delegate" || type === "DelegateOpInvoke" || name.startsWith("Delegate/")) return "delegate_op";
  return graph === "subgraph" ? "subgraph_op" : "node";
}

function detailRow(r: TableRow, g: GraphProfile, format: string): ParsedOpRow {
  const type = r.values.get("node type")!;
  const name = r.values.get("name") ?? "";
  const avgMs = toNumber(r.values.get("avg ms") ?? "") ?? 0;
  const called = r.values.has("times called") ? Number.parseInt(r.values.get("times called")!, 10) : 1;
  const start = r.values.has("start") ? toNumber(r.values.get("start")!) : null;
  const scope = scopeOf(g.graph, type, name);
  const internal = scope === "delegate_op" && name.startsWith("Delegate/");
  // Delegate ops: the op is in the name ("Delegate/Convolution (NHWC, F32) IGEMM:0").
  const op = internal ? name.replace(/^Delegate\//, "").replace(/:\d+$/, "") : type.split("/")[0];
  const index = /:(\d+)$/.exec(name);
  return {
    format,
    run_index: null,
    runs_averaged: g.runs,
    scope,
    parent_node: null,
    node_index: index ? Number(index[1]) : null,
    node_name: name,
    op_type: op,
    kernel: internal ? op : type,
    provider: null,
    fused_domain: null,
    fused_activation: null,
    duration_us: avgMs * 1000,
    host_duration_us: null,
    median_us: null,
    executions: Number.isFinite(called) ? called : 1,
    share_pct: toNumber(r.values.get("%") ?? ""),
    input_shapes: null,
    output_shapes: null,
    activation_bytes: null,
    parameter_bytes: null,
    output_bytes: null,
    start_us: start === null ? null : start * 1000
  };
}

function typeRow(r: TableRow, g: GraphProfile, format: string): ParsedOpRow {
  const type = r.values.get("node type")!;
  const perRunMs = toNumber(r.values.get("avg ms") ?? "") ?? 0;
  const called = Number.parseInt(r.values.get("times called") ?? "1", 10);
  const count = r.values.get("count") ?? "?";
  return {
    format,
    run_index: null,
    runs_averaged: g.runs,
    scope: scopeOf(g.graph, type, ""),
    parent_node: null,
    node_index: null,
    node_name: `${type} (${count} nodes)`,
    op_type: type.split("/")[0],
    kernel: type,
    provider: null,
    fused_domain: null,
    fused_activation: null,
    // The type summary gives the per-run total of the type; spread it over its executions.
    duration_us: (perRunMs * 1000) / (called > 0 ? called : 1),
    host_duration_us: null,
    median_us: null,
    executions: Number.isFinite(called) ? called : 1,
    share_pct: toNumber(r.values.get("avg %") ?? ""),
    input_shapes: null,
    output_shapes: null,
    activation_bytes: null,
    parameter_bytes: null,
    output_bytes: null,
    start_us: null
  };
}

export function parseTfliteTokens(tokens: TfliteToken[], file: string, format: string, diagnostics: Diagnostics): ParsedOpRow[] {
  const {run, sawInit} = collect(tokens, file, diagnostics);
  if (sawInit) diagnostics.add("init_profile_skipped", "info", "the initialization profile (ModifyGraphWithDelegate, AllocateTensors) is not inference time and was skipped");
  const rows: ParsedOpRow[] = [];
  const uncut = (t: Table | undefined): Table | undefined => {
    if (t?.cut === undefined) return t;
    // A complete profile always goes on after its tables (other tables, "Timings (microseconds): ...").
    throw new InputError(file, `the file ends inside the '${t.title}' table (${t.rows.length} rows read): the profile is cut short and its other nodes are missing`, {
      line: t.cut,
      hint: "Copy the whole benchmark_model output again; if you kept only this table, keep the lines after it too (down to 'Timings (microseconds)')."
    });
  };
  for (const g of run) {
    const order = uncut(g.tables.get("Run Order"));
    const top = order ? undefined : uncut(g.tables.get("Top by Computation Time"));
    const byType = order || top ? undefined : uncut(g.tables.get("Summary by node type"));
    const cutLater = [...g.tables.values()].find((t) => t.cut !== undefined);
    if (cutLater) diagnostics.add("table_cut_short", "warning", `the file ends inside the '${cutLater.title}' table (not the one read): the output looks cut short`, {line: cutLater.cut});
    if (order) {
      rows.push(...order.rows.map((r) => detailRow(r, g, format)));
      if (g.nodesExecuted !== null && g.nodesExecuted !== order.rows.length) {
        diagnostics.add("node_count_mismatch", "warning", `'Number of nodes executed: ${g.nodesExecuted}' but the Run Order table has ${order.rows.length} rows`, {line: order.line});
      }
    } else if (top) {
      rows.push(...top.rows.map((r) => detailRow(r, g, format)));
      diagnostics.add("top_table_only", "warning", "no Run Order table: rows come from 'Top by Computation Time', which lists only the slowest nodes (10 by default), so shares are of those nodes only", {line: top.line});
    } else if (byType) {
      rows.push(...byType.rows.map((r) => typeRow(r, g, format)));
      diagnostics.add("type_summary_only", "warning", "no per-node table: one row per node type from 'Summary by node type'", {line: byType.line});
    }
  }
  if (rows.length === 0) {
    throw new InputError(
      file,
      sawInit
        ? "only the initialization profile was found, expected the tables under 'Operator-wise Profiling Info for Regular Benchmark Runs:'"
        : "no operator rows found: expected a '============================== Run Order ==============================' table with rows",
      {hint: "Run benchmark_model with --enable_op_profiling=true and keep its whole output (or the --profiling_output_csv_file file)."}
    );
  }
  return rows;
}
