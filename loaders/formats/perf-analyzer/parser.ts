// perf_analyzer's CSV (-f FILE), every header variant, read by header name rather than position.
//
// Where the layout comes from (triton-inference-server/client src/c++/perf_analyzer/report_writer.cc,
// ReportWriter::GenerateReport and WriteGpuMetrics; 1.x perf_client in docs/perf_client.rst):
//   Concurrency | Request Rate, Inferences/Second, [Response Throughput (decoupled models)], Client Send,
//   [Network+Server Send/Recv, Server Queue, Server Compute Input, Server Compute Infer, Server Compute
//    Output, [Server Cache Hit, Server Cache Miss]   (with server stats; cache columns when the cache is on)],
//   Client Recv, p50 latency, p90 latency, ... (one per percentile collected; any set),
//   [--verbose-csv: Avg latency (only without --percentile), request/response, response wait,
//    [--collect-metrics: Avg GPU Utilization, Avg GPU Power Usage, Max GPU Memory Usage, Total GPU Memory,
//     each cell "gpu-uuid:value;gpu-uuid:value;"]],
//   [LLM metrics: Avg First Token Latency, Avg Token-to-Token Latency]
// perf_client 1.x wrote a single "Server Compute" column instead of the three compute columns.
// Times are integer microseconds (ns / 1000); rows are sorted by Inferences/Second, not by load.
// Composing models of an ensemble get their own files (<model>_v<version>.<file>) in the same layout.

import {InputError} from "../../common/errors.ts";
import type {Diagnostics} from "../common/diagnostics.ts";
import type {perfAnalyzer} from "../../store/datasets.ts";
import type {RowOf} from "../../store/schema.ts";

export type PerfAnalyzerRow = RowOf<typeof perfAnalyzer>;

type NumericColumn =
  | "concurrency"
  | "request_rate"
  | "throughput"
  | "response_throughput"
  | "client_send_us"
  | "network_server_us"
  | "server_queue_us"
  | "server_compute_input_us"
  | "server_compute_infer_us"
  | "server_compute_output_us"
  | "server_compute_us"
  | "server_cache_hit_us"
  | "server_cache_miss_us"
  | "client_recv_us"
  | "avg_latency_us"
  | "request_response_us"
  | "response_wait_us"
  | "avg_first_token_latency_us"
  | "avg_token_to_token_latency_us";

/** Header cell -> column, for the single-number columns. */
const NUMERIC: Record<string, NumericColumn> = {
  Concurrency: "concurrency",
  "Request Rate": "request_rate",
  "Inferences/Second": "throughput",
  "Response Throughput": "response_throughput",
  "Client Send": "client_send_us",
  "Network+Server Send/Recv": "network_server_us",
  "Server Queue": "server_queue_us",
  "Server Compute Input": "server_compute_input_us",
  "Server Compute Infer": "server_compute_infer_us",
  "Server Compute Output": "server_compute_output_us",
  "Server Compute": "server_compute_us",
  "Server Cache Hit": "server_cache_hit_us",
  "Server Cache Miss": "server_cache_miss_us",
  "Client Recv": "client_recv_us",
  "Avg latency": "avg_latency_us",
  "request/response": "request_response_us",
  "response wait": "response_wait_us",
  "Avg First Token Latency": "avg_first_token_latency_us",
  "Avg Token-to-Token Latency": "avg_token_to_token_latency_us"
};

/** --collect-metrics cells: header -> how the per-GPU values are combined for the scalar column. */
const GPU: Record<string, {key: string; column: "gpu_utilization" | "gpu_power_w" | "gpu_memory_used_bytes" | "gpu_memory_total_bytes"; combine: "mean" | "sum"}> = {
  "Avg GPU Utilization": {key: "utilization", column: "gpu_utilization", combine: "mean"},
  "Avg GPU Power Usage": {key: "power_w", column: "gpu_power_w", combine: "sum"},
  "Max GPU Memory Usage": {key: "memory_used_bytes", column: "gpu_memory_used_bytes", combine: "sum"},
  "Total GPU Memory": {key: "memory_total_bytes", column: "gpu_memory_total_bytes", combine: "sum"}
};

const PERCENTILE = /^p(\d+(?:\.\d+)?) latency$/;

/** Split one CSV line; perf_analyzer never quotes, but quoted cells are accepted. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cell);
      cell = "";
    } else cell += c;
  }
  out.push(cell);
  return out;
}

/** Parse "uuid:value;uuid:value;" (perf_analyzer's WriteGpuMetrics). */
export function parseGpuCell(cell: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const part of cell.split(";")) {
    const p = part.trim();
    if (!p) continue;
    const k = p.lastIndexOf(":");
    if (k <= 0) return null;
    const v = Number(p.slice(k + 1));
    if (!Number.isFinite(v)) return null;
    out[p.slice(0, k)] = v;
  }
  return out;
}

export function sniffPerfAnalyzerCsv(head: string): boolean {
  return /^\uFEFF?(Concurrency|Request Rate),Inferences\/Second/.test(head);
}

export interface PerfAnalyzerParse {
  rows: PerfAnalyzerRow[];
  loadMode: "concurrency" | "request_rate";
  columns: string[];
}

export function parsePerfAnalyzerCsv(text: string, {file, model, diagnostics}: {file: string; model: string; diagnostics: Diagnostics}): PerfAnalyzerParse {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === "") h++;
  if (h >= lines.length) throw new InputError(file, "is empty", {hint: "Give the file perf_analyzer wrote with -f FILE."});
  const header = splitCsvLine(lines[h]).map((c) => c.trim());
  const first = header[0];
  if (first !== "Concurrency" && first !== "Request Rate") {
    throw new InputError(file, `expected a perf_analyzer header starting with 'Concurrency' or 'Request Rate', found ${JSON.stringify(lines[h].slice(0, 60))}`, {
      line: h + 1,
      hint: "Give the CSV perf_analyzer wrote with -f FILE (not its console output)."
    });
  }
  if (!header.includes("Inferences/Second")) throw new InputError(file, `the header has no 'Inferences/Second' column`, {line: h + 1});
  const seen = new Set<string>();
  for (const c of header) {
    if (seen.has(c)) throw new InputError(file, `column ${JSON.stringify(c)} appears twice in the header`, {line: h + 1});
    seen.add(c);
  }
  for (const c of header) {
    if (!(c in NUMERIC) && !(c in GPU) && !PERCENTILE.test(c)) diagnostics.add("unknown_column", "info", `column ${JSON.stringify(c)} is not one inferscope knows; kept in extra_columns`, {line: h + 1});
  }
  const loadMode = first === "Concurrency" ? "concurrency" : "request_rate";
  const rows: PerfAnalyzerRow[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      diagnostics.add("bad_row", "warning", `a row has ${cells.length} cells but the header has ${header.length}; the row was skipped`, {line: i + 1});
      continue;
    }
    const row: PerfAnalyzerRow = {
      source_file: file,
      model,
      row_index: rows.length,
      load_mode: loadMode,
      throughput: NaN
    };
    const percentiles: Record<string, number> = {};
    const gpu: Record<string, Record<string, number>> = {};
    const extra: Record<string, string> = {};
    let bad = false;
    header.forEach((name, k) => {
      const cell = cells[k].trim();
      const numeric = NUMERIC[name];
      const pm = PERCENTILE.exec(name);
      if (numeric !== undefined || pm) {
        const v = cell === "" ? null : Number(cell);
        if (v !== null && !Number.isFinite(v)) {
          diagnostics.add("bad_number", "warning", `a cell is not a number (${name}: ${JSON.stringify(cell.slice(0, 30))}); stored as null`, {line: i + 1});
          if (name === "Inferences/Second" || name === first) bad = true;
          return;
        }
        if (numeric !== undefined) (row as Record<string, unknown>)[numeric] = v;
        else if (v !== null) percentiles[pm![1]] = v;
        return;
      }
      const g = GPU[name];
      if (g !== undefined) {
        const values = parseGpuCell(cell);
        if (values === null) {
          diagnostics.add("bad_gpu_cell", "warning", `a GPU metrics cell is not 'uuid:value;...' (${name}: ${JSON.stringify(cell.slice(0, 40))}); stored as null`, {line: i + 1});
          return;
        }
        gpu[g.key] = values;
        const vs = Object.values(values);
        if (vs.length) row[g.column] = g.combine === "mean" ? vs.reduce((a, b) => a + b, 0) / vs.length : vs.reduce((a, b) => a + b, 0);
        return;
      }
      extra[name] = cell;
    });
    if (bad || row.throughput === null || Number.isNaN(row.throughput)) {
      diagnostics.add("bad_row", "warning", "a row has no usable load level or Inferences/Second; the row was skipped", {line: i + 1});
      continue;
    }
    for (const [p, column] of [["50", "p50_latency_us"], ["90", "p90_latency_us"], ["95", "p95_latency_us"], ["99", "p99_latency_us"]] as const) {
      if (p in percentiles) row[column] = percentiles[p];
    }
    if (Object.keys(percentiles).length) row.latency_percentiles = JSON.stringify(percentiles);
    if (row.server_compute_us === undefined || row.server_compute_us === null) {
      const parts = [row.server_compute_input_us, row.server_compute_infer_us, row.server_compute_output_us];
      if (parts.every((x) => typeof x === "number")) row.server_compute_us = (parts as number[]).reduce((a, b) => a + b, 0);
    }
    if (Object.keys(gpu).length) row.gpu_metrics = JSON.stringify(gpu);
    if (Object.keys(extra).length) row.extra_columns = JSON.stringify(extra);
    rows.push(row);
  }
  if (rows.length === 0) diagnostics.add("no_rows", "warning", "the CSV has a header but no data rows", {line: h + 1});
  return {rows, loadMode, columns: header};
}
