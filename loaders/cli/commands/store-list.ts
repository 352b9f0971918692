import {defineCommand} from "../command.ts";
import {DATASETS} from "../../store/datasets.ts";
import {datasetFiles, openStore, storeRoot} from "../../store/store.ts";
import {quoteIdent} from "../../store/schema.ts";

export default defineCommand({
  usage: "[--json]",
  description: "List the datasets in the store (data/store, or $INFERSCOPE_STORE) with their row, file and run counts.",
  options: {json: {type: "boolean", description: "print JSON instead of a table"}},
  positionals: false,
  async run({values}) {
    const store = await openStore();
    const rows = [];
    try {
      for (const d of Object.values(DATASETS)) {
        const r = (await store.connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n, count(DISTINCT run_id)::DOUBLE AS runs, max(collected_at)::VARCHAR AS latest FROM ${quoteIdent(d.name)}`)).getRowObjectsJS()[0];
        rows.push({dataset: d.name, rows: r.n as number, runs: r.runs as number, files: datasetFiles(d.name).length, latest: (r.latest as string | null) ?? null, doc: d.doc});
      }
    } finally {
      store.close();
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({store: storeRoot(), datasets: rows}, null, 2)}\n`);
      return;
    }
    const w = Math.max(...rows.map((r) => r.dataset.length));
    process.stdout.write(`store: ${storeRoot()}\n`);
    for (const r of rows) process.stdout.write(`${r.dataset.padEnd(w)}  ${String(r.rows).padStart(8)} rows  ${String(r.runs).padStart(4)} runs  ${String(r.files).padStart(4)} files  ${r.latest ?? "-"}\n`);
  }
});
