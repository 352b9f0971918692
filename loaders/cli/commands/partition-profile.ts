import {unattended} from "../../history/session.ts";
import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {resolveModel} from "../../partition/model.ts";
import {batchOption, nonNegativeInt, optLevel, positiveInt, unitsOption} from "../../partition/options.ts";
import {closeUnits, startUnits} from "../../partition/pool.ts";
import {holdoutSummary, profileUnits} from "../../partition/profile.ts";
import {formatProfile} from "../../partition/report.ts";
import {describeUnits} from "../../partition/units.ts";
import {partitionProfiles} from "../../store/datasets.ts";
import {appendRows, newRun, storeRoot} from "../../store/store.ts";
import {recorded} from "../../partition/run-record.ts";

export const profileOptions = {
  model: {type: "string", arg: "NAME|FILE.onnx", description: "zoo model (built on first use) or an ONNX file with a symbolic batch dimension"},
  units: {type: "string", arg: "U,V", description: "units: cpu:K, wasm:K, cuda[:D], each optionally @cores (taskset), e.g. cpu:1,cpu:1,wasm:1", default: "cpu:1,wasm:1"},
  "max-batch": {type: "string", arg: "B", description: "profile sizes 1, 2^n - 1, 2^n, 2^n + 1 up to B, and B itself", default: "32"},
  runs: {type: "string", arg: "N", description: "timed runs per size (the table keeps their median)", default: "7"},
  holdout: {type: "string", arg: "K", description: "sizes between the profiled ones measured to check the interpolation", default: "3"},
  opt: {type: "string", arg: "LEVEL", description: "ORT graph optimization level: disabled, basic, extended, all", default: "all"},
  pin: {type: "boolean", description: "pin each unit without @cores to cores of its own, in order (needs taskset)"},
  json: {type: "boolean", description: "print the table rows as JSON on stdout"}
} as const;

export default defineCommand({
  usage: "--model M --units U,V --max-batch B [--runs N] [--holdout K] [--pin] [--json]",
  description:
    "Profile each unit alone (one process per unit, session loaded once) at batch sizes 1, 2^n - 1, 2^n, 2^n + 1 up to B and at B: warm-up until stable, then the median of repeated runs. The result is a performance table in the store (partition_profiles) for `partition plan` and `partition run`; held-out sizes measure how far its interpolation is off.",
  details:
    "Units are profiled one after another, not at the same time: the table predicts each unit undisturbed.\nExample:\n  inferscope partition profile --model mobilenet_v1 --units cpu:1,cpu:1,wasm:1 --max-batch 64",
  options: profileOptions,
  positionals: false,
  // The store's lock while writing, and a failure recorded as a failed run (history/session.ts).
  run: ({values}) => unattended("partition profile", {}, async (session) => {
    await session.begin();

    const model = await resolveModel(values.model);
    const units = await unitsOption(values.units, {pin: values.pin});
    const maxBatch = batchOption("max-batch", values["max-batch"]);
    const runs = positiveInt("runs", values.runs);
    const holdout = nonNegativeInt("holdout", values.holdout, 3);
    const opt = optLevel(values.opt);
    const run = newRun("partition profile", {model: model.name, model_file: model.file, units: units.map((u) => u.label), max_batch: maxBatch, runs, holdout, opt_level: opt});
    log(`partition profile: ${model.name} on ${describeUnits(units)}, up to batch ${maxBatch}, into ${storeRoot()}`);
    const cancel = cancelOnSigint("the profile");
    try {
      return await recorded(run, async (finish) => {
        const procs = await startUnits(units, {modelFile: model.file, optLevel: opt});
        let outcome;
        try {
          outcome = await profileUnits(procs, {model: model.name, optLevel: opt, maxBatch, runs, holdout, signal: cancel.signal});
        } finally {
          await closeUnits(procs);
        }
        await appendRows(partitionProfiles, outcome.rows, run);
        const error = outcome.cancelled ? "cancelled: the table holds the sizes measured before Ctrl-C" : outcome.failed.length ? outcome.failed.map((f) => `${f.unit}: ${f.error}`).join("; ") : null;
        await finish({status: outcome.cancelled ? "cancelled" : outcome.failed.length ? "failed" : "ok", rows_written: outcome.rows.length, error});
        for (const line of holdoutSummary(outcome.rows)) log(line);
        log(`partition profile: ${outcome.rows.length} rows, run ${run.run_id}`);
        if (values.json) process.stdout.write(`${JSON.stringify({run_id: run.run_id, model: model.name, units: units.map((u) => u.label), rows: outcome.rows.map(({samples_ms, ...r}) => r)}, null, 2)}\n`);
        else if (outcome.rows.length) process.stdout.write(`${formatProfile(outcome.rows).join("\n")}\n`);
        if (outcome.cancelled) return 130;
        if (outcome.failed.length) {
          throw new UserError(`partition profile: no usable times for ${outcome.failed.map((f) => f.unit).join(", ")} (${outcome.failed[0].error})`, {hint: "The other units' rows are stored; plan without the failed units with --units"});
        }
        return 0;
      });
    } finally {
      cancel.dispose();
    }
  })
});
