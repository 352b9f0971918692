import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log, Progress} from "../../common/progress.ts";
import {Diagnostics} from "../../formats/common/diagnostics.ts";
import {INTERVALS, type Interval} from "../../formats/triton-trace/intervals.ts";
import {readTritonTraces, truncationWarnings} from "../../formats/triton-trace/reader.ts";
import {TraceSummary, type ModelSummary} from "../../formats/triton-trace/summary.ts";

/** Names and request ids come from the file: show control characters escaped, never interpreted. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const LABELS: [Interval, string, number][] = [
  ["infer", "infer request", 0],
  ["receive", "receive", 1],
  ["send", "send", 1],
  ["frontend_overhead", "overhead", 1],
  ["request", "handler", 1],
  ["handler_overhead", "overhead", 2],
  ["queue", "queue", 2],
  ["compute", "compute", 2],
  ["compute_input", "input", 3],
  ["compute_infer", "infer", 3],
  ["compute_output", "output", 3]
];

function fmt(x: number | null): string {
  return x === null ? "-" : x.toFixed(1);
}

function textReport(models: ModelSummary[]): string {
  const lines: string[] = [];
  for (const m of models) {
    lines.push(`${printable(m.model)} (${m.version}) ${m.frontend ?? "no frontend"}: ${m.count} requests`);
    lines.push(`  ${"interval (us)".padEnd(44)}${"mean".padStart(11)}${"p50".padStart(11)}${"p90".padStart(11)}${"p99".padStart(11)}`);
    for (const [key, label, depth] of LABELS) {
      if (m.mean_us[key] === null) continue;
      const shown = key === "infer" ? `${(m.frontend ?? "").toUpperCase()} ${label}` : key === "receive" && m.frontend === "grpc" ? "wait/read" : label;
      const name = `${"  ".repeat(depth)}${shown}`;
      lines.push(`  ${name.padEnd(44)}${fmt(m.mean_us[key]).padStart(11)}${fmt(m.p50_us[key]).padStart(11)}${fmt(m.p90_us[key]).padStart(11)}${fmt(m.p99_us[key]).padStart(11)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

export default defineCommand({
  usage: "<trace.json...> [--json]",
  description:
    "Summarize Triton trace files (--trace-file output, any layout; split files trace.json.0, .1, ... and files of a server still running are fine): per model, version and frontend, the request count and the mean, p50, p90 and p99 in microseconds of the intervals trace_summary.py reports.",
  options: {
    json: {type: "boolean", description: "print JSON: {files, models} with mean_us, p50_us, p90_us, p99_us per model"}
  },
  details: [
    `Intervals: ${INTERVALS.join(", ")}.`,
    "Means equal trace_summary.py's on the same file (sum over requests that have the interval / all requests).",
    "Requests without a frontend (C API) are a group of their own; several files are summed together.",
    "A truncated file (no closing ']') is read up to its last complete entry, with a warning; exit status 0.",
    "",
    "Example: inferscope summary triton /tmp/trace.json.* --json"
  ].join("\n"),
  async run({values, positionals}) {
    if (positionals.length === 0) throw new UserError("summary triton: give at least one trace file", {hint: "Usage: inferscope summary triton <trace.json...> [--json]"});
    const diagnostics = new Diagnostics();
    const summary = new TraceSummary(diagnostics);
    const progress = positionals.length > 1 ? new Progress({total: positionals.length, label: "summary triton"}) : null;
    const {files} = await readTritonTraces(positionals, {
      diagnostics,
      onRequest: (r) => summary.add(r),
      onFile: (path, i) => {
        if (progress) {
          if (i > 0) progress.finish();
          progress.start(path);
        }
      }
    });
    progress?.finish();
    const models = summary.result();
    for (const w of truncationWarnings(files)) log(w);
    for (const d of diagnostics.list()) {
      if (d.code === "truncated_file" || d.code === "dropped_entry") continue;
      log(`${d.severity}: ${d.message}${d.count > 1 ? ` (${d.count} times)` : ""}${d.first_offset !== null ? ` [first at byte ${d.first_offset}]` : ""}`);
    }
    if (values.json) {
      const out = {
        files: files.map((f) => ({path: f.path, entries: f.entries, dropped_entries: f.dropped_entries, truncated: f.truncated})),
        models
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    for (const f of files) process.stdout.write(`file: ${printable(f.path)}: ${f.entries} entries${f.truncated ? `, truncated (${f.dropped_entries} dropped)` : ""}\n`);
    process.stdout.write(`\n${textReport(models)}`);
  }
});
