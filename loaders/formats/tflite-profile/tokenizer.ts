// Splits TFLite benchmark_model op-profiling output into tokens: section and graph headings, table
// banners, column headers, table rows and the per-graph "Timings" summary line.
//
// Layouts, from tensorflow/tensorflow:
// - tensorflow/lite/tools/logging.h: TFLITE_LOG(INFO) prints "INFO: " once, before a whole (multi-line)
//   message, so only the first line of each message carries the prefix; captured logs may have it on
//   every line. It is stripped wherever it appears.
// - tensorflow/lite/profiling/profile_summary_formatter.cc: "Profiling Info for Benchmark Initialization:"
//   then "Operator-wise Profiling Info for Regular Benchmark Runs:"; per graph "Primary graph (name: X)
//   profile:" / "Subgraph (index: N, name: X) profile:" (older: without the names) when there are
//   subgraphs; "Delegate internal: " before the delegate's own tables.
// - tensorflow/core/util/stats_calculator.cc: each table is a banner "=== <title> ===", a header and
//   rows, ended by an empty line. Text layout: every field is "\t" + right-aligned to a width
//   ("\t             [node type]\t  [first]\t [avg ms]\t     [%]\t  [cdf%]\t  [mem KB]\t[times called]\t[Name]";
//   older releases have a "[start]" column after the type, oldest ones no "[times called]").
//   CSV layout: "node type, first, avg_ms, %, cdf%, mem KB, times called, name" (older: with "start").
//   Then "Timings (microseconds): count=N ..." (prefixed "Subgraph (index: N...) " for subgraphs).

export type TfliteToken =
  | {kind: "section"; section: "init" | "run"; line: number}
  | {kind: "graph"; graph: "primary" | "subgraph" | "delegate"; index: number; name: string | null; line: number}
  | {kind: "banner"; title: string; line: number}
  | {kind: "header"; layout: "text" | "csv"; columns: string[]; line: number}
  | {kind: "row"; text: string; line: number}
  | {kind: "end"; line: number; eof?: boolean}
  | {kind: "timings"; runs: number; subgraph: number | null; line: number}
  | {kind: "nodes"; count: number; line: number}
  /** A line right after a banner that is not a column header. */
  | {kind: "not-header"; text: string; line: number};

const PREFIX = /^(?:INFO|WARN|WARNING): /;
const BANNER = /^=+ (.+?) =+\s*$/;
const GRAPH = /^(?:(Primary graph)(?: \(name: (.*)\))?|Subgraph \(index: (\d+)(?:, name: (.*))?\)) (?:profile|summary):\s*$/;
const TIMINGS = /^(?:Subgraph \(index: (\d+)(?:, name: .*?)?\) )?Timings \(microseconds\): .*?count=(\d+)/;

/** Column names from a header line, normalized: "[avg ms]" and "avg_ms" both become "avg ms". */
function headerColumns(line: string): {layout: "text" | "csv"; columns: string[]} | null {
  if (/^\s*\[node type\]/i.test(line)) {
    const columns = line.split("\t").map((c) => c.trim()).filter((c) => c !== "").map((c) => c.replace(/^\[|\]$/g, "").toLowerCase());
    return {layout: "text", columns};
  }
  if (/^node type, /i.test(line)) {
    return {layout: "csv", columns: line.trim().split(/,\s*/).map((c) => c.trim().toLowerCase().replace(/_/g, " "))};
  }
  return null;
}

export function tokenizeTfliteProfile(text: string): TfliteToken[] {
  const tokens: TfliteToken[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  let lastContent = lines.length - 1;
  while (lastContent >= 0 && lines[lastContent].trim() === "") lastContent--;
  let inTable = false; // between a header and the empty line that ends the table
  let expectHeader = false; // right after a banner
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i].replace(/\r$/, "").replace(PREFIX, "");
    const trimmed = raw.trim();
    if (inTable) {
      if (trimmed === "") {
        inTable = false;
        // Nothing after this table: the output stops where a complete profile would go on.
        tokens.push(i > lastContent ? {kind: "end", line, eof: true} : {kind: "end", line});
      } else if (BANNER.test(trimmed)) {
        // A table that was not ended by an empty line: close it and read the banner below.
        inTable = false;
        tokens.push({kind: "end", line});
        i--;
      } else tokens.push({kind: "row", text: raw, line});
      continue;
    }
    if (expectHeader) {
      expectHeader = false;
      const header = headerColumns(raw);
      if (header) {
        tokens.push({kind: "header", ...header, line});
        inTable = true;
        continue;
      }
      tokens.push({kind: "not-header", text: raw, line});
      continue;
    }
    if (trimmed === "") continue;
    let m: RegExpExecArray | null;
    if (/^Profiling Info for Benchmark Initialization:/.test(trimmed)) tokens.push({kind: "section", section: "init", line});
    else if (/^Operator-wise Profiling Info for Regular Benchmark Runs:/.test(trimmed)) tokens.push({kind: "section", section: "run", line});
    else if (/^Delegate internal:/.test(trimmed)) tokens.push({kind: "graph", graph: "delegate", index: -1, name: null, line});
    else if ((m = GRAPH.exec(trimmed))) {
      if (m[1]) tokens.push({kind: "graph", graph: "primary", index: 0, name: m[2] ?? null, line});
      else tokens.push({kind: "graph", graph: "subgraph", index: Number(m[3]), name: m[4] ?? null, line});
    } else if ((m = BANNER.exec(trimmed))) {
      tokens.push({kind: "banner", title: m[1], line});
      expectHeader = true;
    } else if ((m = TIMINGS.exec(trimmed))) tokens.push({kind: "timings", runs: Number(m[2]), subgraph: m[1] ? Number(m[1]) : null, line});
    else if ((m = /^Number of nodes executed: (\d+)/.exec(trimmed))) tokens.push({kind: "nodes", count: Number(m[1]), line});
    // Anything else is benchmark_model's own logging (model size, timings, memory): not ours.
  }
  // A table still open at the end: the file stops right after (or inside) its last row.
  if (inTable) tokens.push({kind: "end", line: lines.length, eof: true});
  return tokens;
}
