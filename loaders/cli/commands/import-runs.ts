import {defineCommand} from "../command.ts";
import {redactOption} from "../../history/redact.ts";
import {log} from "../../common/progress.ts";
import {benchResults} from "../../store/datasets.ts";
import {queryStore, type Run} from "../../store/store.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {readBenchExport, type ExportedRow} from "../../formats/bench-parquet/read.ts";
import {InputError} from "../../common/errors.ts";
import {readInput} from "../../formats/common/read-input.ts";

export default defineCommand({
  usage: "<file.parquet>",
  description: "Merge benchmark results exported on another machine (`inferscope bench --export FILE.parquet`) into this store, keeping that machine's host fingerprint. Runs already in the store are skipped.",
  options: {redact: redactOption},
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new InputError(positionals[1] ?? "(none)", "give exactly one Parquet file", {hint: "Usage: inferscope import runs <file.parquet>"});
    const file = positionals[0];
    await readInput(file);
    const rows = await readBenchExport(file);
    const present = new Set((await queryStore("SELECT DISTINCT run_id FROM bench_results")).map((r) => r.run_id as string));
    const groups = new Map<string, ExportedRow[]>();
    for (const r of rows) groups.set(r.run_id, [...(groups.get(r.run_id) ?? []), r]);
    let imported = 0;
    for (const [run_id, group] of groups) {
      if (present.has(run_id)) {
        log(`skipped run ${run_id}: already in the store`);
        continue;
      }
      const first = group[0];
      const run: Run = {
        run_id,
        collected_at: first.collected_at as Date,
        kind: "import runs",
        command: ["inferscope", ...process.argv.slice(2)].join(" "),
        config: {file},
        host: {
          host_id: first.host_id as string,
          host_name: first.host_name as string,
          host_cpu: first.host_cpu as string,
          host_cores: first.host_cores as number,
          host_memory_gb: first.host_memory_gb as number,
          host_os: first.host_os as string,
          host_node: first.host_node as string,
          host_libs: first.host_libs as string
        }
      };
      await storeImport({kind: "import runs", config: {file}, sourceFile: file, format: "bench-parquet", writes: [{dataset: benchResults, rows: group as never}], run, redact: values.redact});
      imported += group.length;
      log(`imported run ${run_id} from ${run.host.host_name} (${run.host.host_cpu}): ${group.length} configurations`);
    }
    log(`import runs: ${imported} rows from ${file}`);
  }
});
