import {basename} from "node:path";
import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {batchOption} from "../../partition/options.ts";
import {PLANNERS, parsePlanners, planAll} from "../../partition/plan.ts";
import {planRows, plansJson} from "../../partition/plan-rows.ts";
import {formatPlans} from "../../partition/report.ts";
import {describeTable, findProfile, storedPerfTable} from "../../partition/stored.ts";
import {readTableCsv} from "../../partition/table-csv.ts";
import {PerfTable, unitCurve} from "../../partition/table.ts";
import {partitionPlans, partitionProfiles} from "../../store/datasets.ts";
import {appendRows, finishRun, newRun} from "../../store/store.ts";

export default defineCommand({
  usage: "--model M --batch B [--units U,V] [--json]   |   --table FILE.csv --batch B [--model NAME] [--json]",
  description:
    "Split a batch across units with three planners on a performance table: proportional to throughput, the reference study's greedy (reconstructed), and the exact optimum of the predicted makespan. Prints each plan's shares, predicted makespan and gap to the optimum; the plans go to the store (partition_plans).",
  details: [
    "The table is the latest `partition profile` of the model (this machine's first), or with --table a CSV measured elsewhere (columns unit,batch,ms), stored marked as imported.",
    "Time between profiled sizes is interpolated linearly between the two nearest profiled sizes; beyond the largest it is extrapolated from the last two; a share of 0 costs 0.",
    "Examples:",
    "  inferscope partition plan --model mobilenet_v1 --batch 64",
    "  inferscope partition plan --table jetson.csv --batch 100 --json"
  ].join("\n"),
  options: {
    model: {type: "string", arg: "NAME", description: "model whose stored profile to use (with --table: the name to store the table under; default the file name)"},
    batch: {type: "string", arg: "B", description: "the batch to split"},
    table: {type: "string", arg: "FILE.csv", description: "plan on a performance table measured elsewhere: CSV with columns unit,batch,ms"},
    units: {type: "string", arg: "U,V", description: "plan over these units of the table only (labels as in the table)"},
    profile: {type: "string", arg: "RUN_ID", description: "use this stored profile run instead of the latest"},
    planner: {type: "string", arg: "P,Q", description: `planners to show: ${PLANNERS.join(", ")} or all (the optimum is always computed for the gap)`, default: "all"},
    json: {type: "boolean", description: "print the plans as JSON on stdout"}
  },
  positionals: false,
  async run({values}) {
    const batch = batchOption("batch", values.batch);
    const planners = parsePlanners(values.planner);
    const only = values.units?.split(",").map((s) => s.trim()).filter(Boolean);

    if (values.table) {
      const file = values.table;
      const csv = await readTableCsv(file);
      for (const l of csv.diagnostics.format(file)) log(l);
      const model = values.model ?? basename(file).replace(/\.[^.]*$/, "");
      const units = only ?? csv.units;
      const table = PerfTable.fromPoints(csv.rows, {units, source: file});
      const set = planAll(table, batch, planners);
      const run = newRun("partition plan", {table: file, model, batch, units, planners});
      const maxBatch = Math.max(...csv.rows.map((r) => r.batch));
      // The imported table itself, so the page can draw its curves (marked imported).
      const profileRows = csv.units.flatMap((unit) => {
        const points = csv.rows.filter((r) => r.unit === unit);
        if (!points.length) return [];
        const curve = unitCurve(unit, points, {source: file});
        return [...curve.batches].map((b, i) => {
          const repeats = points.filter((p) => p.batch === b).map((p) => p.ms);
          return {model, opt_level: null, units: csv.units.join(","), unit, runtime: null, threads: null, cores: null, max_batch: maxBatch, batch: b, row_kind: "grid", median_ms: curve.raw_ms[i], model_ms: curve.ms[i], runs: repeats.length, samples_ms: repeats, imported: true, source_file: file};
        });
      });
      const result = await storeImport({
        kind: "partition plan",
        config: {table: file, model, batch, units, planners},
        sourceFile: file,
        format: "partition-table-csv",
        writes: [
          {dataset: partitionProfiles, rows: profileRows},
          {dataset: partitionPlans, rows: planRows(set, {model, profileRunId: run.run_id, imported: true, sourceFile: file})}
        ],
        diagnostics: csv.diagnostics,
        run
      });
      return print(set, {model, table: `table imported from ${file} (run ${result.run_id})`, imported: true, json: values.json, runId: result.run_id, profileRunId: result.run_id});
    }

    if (!values.model) throw new UserError("partition plan: give --model (a profiled model) or --table FILE.csv", {hint: "Profile first: inferscope partition profile --model mobilenet_v1 --units cpu:1,wasm:1 --max-batch 64"});
    const stored = await findProfile({model: values.model, runId: values.profile});
    if (!stored) {
      throw new UserError(`partition plan: the store has no performance table for ${values.model}${values.profile ? ` with run id ${values.profile}` : ""}`, {
        hint: `Profile it first: inferscope partition profile --model ${values.model} --units cpu:1,wasm:1 --max-batch ${batch}`
      });
    }
    if (batch > stored.max_batch) log(`note: batch ${batch} is beyond the profiled sizes (up to ${stored.max_batch}): times there are extrapolated from the two largest sizes`);
    const table = storedPerfTable(stored, only);
    const set = planAll(table, batch, planners);
    const run = newRun("partition plan", {model: values.model, batch, profile_run_id: stored.run_id, units: table.units, planners});
    await appendRows(partitionPlans, planRows(set, {model: values.model, profileRunId: stored.run_id, imported: stored.imported, sourceFile: stored.source_file}), run);
    await finishRun(run, {status: "ok", rows_written: set.plans.length * set.units.length});
    return print(set, {model: values.model, table: describeTable(stored), imported: stored.imported, json: values.json, runId: run.run_id, profileRunId: stored.run_id});
  }
});

function print(set: ReturnType<typeof planAll>, o: {model: string; table: string; imported: boolean; json?: boolean; runId: string; profileRunId: string}): void {
  if (o.json) {
    const out = {model: o.model, batch: set.batch, units: set.units, table: {run_id: o.profileRunId, imported: o.imported, description: o.table}, plans: plansJson(set), best_single: set.best_single, optimal_makespan_ms: set.optimal_ms, run_id: o.runId};
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${o.model}, batch ${set.batch} over ${set.units.join(", ")}: ${o.table}${o.imported ? " [imported]" : ""}\n`);
  process.stdout.write(`${formatPlans(set).join("\n")}\n`);
}
