import {defineCommand} from "../command.ts";
import {redactOption} from "../../history/redact.ts";
import {UserError} from "../../common/errors.ts";
import {log, Progress} from "../../common/progress.ts";
import {Diagnostics} from "../../formats/common/diagnostics.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {readTritonTraces, truncationWarnings} from "../../formats/triton-trace/reader.ts";
import {requestRow, type TritonRequestRow} from "../../formats/triton-trace/rows.ts";
import {Clock} from "../../formats/triton-trace/parser.ts";
import {tritonRequests} from "../../store/datasets.ts";

export default defineCommand({
  usage: "<trace.json...> [--json]",
  description:
    "Import Triton trace files (--trace-file output, any layout, split or truncated) into the store: one triton_requests row per request with every timestamp, model, version, ids, parent and stage durations.",
  options: {
    json: {type: "boolean", description: "print the import result (run id, rows, files) as JSON"},
    redact: redactOption
  },
  details: [
    "All files are read and checked before anything is written: a malformed file writes nothing.",
    "A truncated file (no closing ']') is imported up to its last complete entry, with a warning.",
    "",
    "Example: inferscope import triton /tmp/trace.json.0 /tmp/trace.json.1"
  ].join("\n"),
  async run({values, positionals}) {
    if (positionals.length === 0) throw new UserError("import triton: give at least one trace file", {hint: "Usage: inferscope import triton <trace.json...>"});
    const diagnostics = new Diagnostics();
    const rows: TritonRequestRow[] = [];
    const progress = new Progress({total: positionals.length + 1, label: "import triton"});
    // The clock's epoch is set by the first timestamp read, before any request is complete.
    const clock = new Clock();
    const {files} = await readTritonTraces(positionals, {
      diagnostics,
      clock,
      onRequest: (r) => rows.push(requestRow(r, clock)),
      onFile: (path, i) => {
        if (i > 0) progress.finish();
        progress.start(`reading ${path}`);
      }
    });
    progress.finish(`${rows.length} requests`);
    for (const w of truncationWarnings(files)) log(w);
    for (const d of diagnostics.list()) {
      if (d.code === "truncated_file" || d.code === "dropped_entry") continue;
      log(`${d.severity}: ${d.message}${d.count > 1 ? ` (${d.count} times)` : ""}${d.first_offset !== null ? ` [first at byte ${d.first_offset}]` : ""}`);
    }
    progress.start("writing the store");
    const result = await storeImport({
      kind: "import triton",
      config: {files: positionals},
      sourceFile: positionals.join(" "),
      format: "triton-trace",
      writes: [{dataset: tritonRequests, rows}],
      diagnostics,
      redact: values.redact
    });
    progress.finish(`run ${result.run_id}: ${rows.length} rows in triton_requests`);
    if (values.json) process.stdout.write(`${JSON.stringify({...result, files}, null, 2)}\n`);
    else process.stdout.write(`imported ${rows.length} requests from ${files.length} file${files.length === 1 ? "" : "s"} (run ${result.run_id})\n`);
  }
});
