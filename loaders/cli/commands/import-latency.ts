import {defineCommand} from "../command.ts";
import {redactOption} from "../../history/redact.ts";
import {InputError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {benchResults} from "../../store/datasets.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {readInput} from "../../formats/common/read-input.ts";
import {parseLatencyCsv, REQUIRED, OPTIONAL} from "../../formats/latency-csv/parse.ts";

export default defineCommand({
  usage: "<file.csv>",
  description: `Import a latency table measured elsewhere (columns ${REQUIRED.join(", ")}; optional ${OPTIONAL.join(", ")}) so other devices sit beside local results, marked as imported.`,
  options: {redact: redactOption},
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new InputError(positionals[1] ?? "(none)", "give exactly one CSV file", {hint: "Usage: inferscope import latency <file.csv>"});
    const file = positionals[0];
    const {rows, diagnostics} = parseLatencyCsv((await readInput(file)).toString("utf8"), file);
    for (const l of diagnostics.format(file)) log(l);
    const result = await storeImport({kind: "import latency", config: {file}, sourceFile: file, format: "latency-csv", writes: [{dataset: benchResults, rows}], diagnostics, redact: values.redact});
    log(`imported ${rows.length} latency rows from ${file} (run ${result.run_id})`);
  }
});
