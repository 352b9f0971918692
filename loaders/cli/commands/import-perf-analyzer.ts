import {readInput} from "../../formats/common/read-input.ts";
import {defineCommand} from "../command.ts";
import {redactOption} from "../../history/redact.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {Diagnostics} from "../../formats/common/diagnostics.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {parsePerfAnalyzerCsv} from "../../formats/perf-analyzer/parser.ts";
import {perfAnalyzer} from "../../store/datasets.ts";

export default defineCommand({
  usage: "<file.csv> --model M [--json]",
  description:
    "Import a perf_analyzer CSV (written with -f FILE) into the store: one perf_analyzer row per concurrency or request rate, every header variant (server stats or not, 1.x 'Server Compute', cache, --verbose-csv, --collect-metrics GPU cells, any pNN latency set).",
  options: {
    model: {type: "string", arg: "M", description: "the model the CSV measured (perf_analyzer -m); the CSV does not name it"},
    json: {type: "boolean", description: "print the import result as JSON"},
    redact: redactOption
  },
  details: "Example: inferscope import perf-analyzer perf.csv --model resnet50_onnx",
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new UserError("import perf-analyzer: give one CSV file", {hint: "Usage: inferscope import perf-analyzer <file.csv> --model M"});
    if (!values.model) throw new UserError("import perf-analyzer: --model is required (the CSV does not name the model)", {hint: "Pass the -m you gave perf_analyzer, e.g. --model resnet50_onnx"});
    const file = positionals[0];
    const text = (await readInput(file)).toString("utf8");
    const diagnostics = new Diagnostics();
    const {rows} = parsePerfAnalyzerCsv(text, {file, model: values.model, diagnostics});
    for (const line of diagnostics.format(file)) log(line);
    const result = await storeImport({
      kind: "import perf-analyzer",
      config: {file, model: values.model},
      sourceFile: file,
      format: "perf-analyzer-csv",
      writes: [{dataset: perfAnalyzer, rows}],
      diagnostics,
      redact: values.redact
    });
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`imported ${rows.length} rows from ${file} (run ${result.run_id})\n`);
  }
});
