import {unattended} from "../../history/session.ts";
import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {hostFingerprint} from "../../host/fingerprint.ts";
import {executePlans} from "../../partition/execute.ts";
import {resolveModel} from "../../partition/model.ts";
import {batchOption, nonNegativeInt, optLevel, positiveInt, unitsOption} from "../../partition/options.ts";
import {PLANNERS, parsePlanners, planAll} from "../../partition/plan.ts";
import {planRows} from "../../partition/plan-rows.ts";
import {closeUnits, startUnits, type UnitProcess} from "../../partition/pool.ts";
import {holdoutSummary, profileUnits} from "../../partition/profile.ts";
import {alignTable, formatPlans, ms, pct} from "../../partition/report.ts";
import {describeTable, findProfile, storedPerfTable, type StoredTable} from "../../partition/stored.ts";
import {describeUnits, parseUnits} from "../../partition/units.ts";
import {partitionPlans, partitionProfiles, partitionRuns} from "../../store/datasets.ts";
import {appendRows, newRun, storeRoot} from "../../store/store.ts";
import {recorded} from "../../partition/run-record.ts";

export default defineCommand({
  usage: "--model M --batch B --units U,V [--planner optimal] [--runs N] [--baseline cpu:2] [--json]",
  description:
    "Run planned splits for real: every unit runs its share in its own process, all started on one go signal, and the makespan (until the last finishes) is timed repeatedly. Compares it with the prediction and with each unit running the whole batch alone; results go to the store (partition_runs).",
  details: [
    "The performance table is the latest profile of the model on this machine with these units, profiled up to at least B; if there is none, the units are profiled first (up to B) and that profile is stored too.",
    "On a machine with few cores, parallel units share cores and caches: the measured makespan shows how far that departs from the undisturbed profile.",
    "Example:",
    "  inferscope partition run --model mobilenet_v1 --batch 64 --units cpu:1,cpu:1,wasm:1 --planner all --baseline cpu:2"
  ].join("\n"),
  options: {
    model: {type: "string", arg: "NAME|FILE.onnx", description: "zoo model (built on first use) or an ONNX file with a symbolic batch dimension"},
    batch: {type: "string", arg: "B", description: "the batch to split"},
    units: {type: "string", arg: "U,V", description: "units: cpu:K, wasm:K, cuda[:D], each optionally @cores (taskset)", default: "cpu:1,wasm:1"},
    planner: {type: "string", arg: "P,Q", description: `planners whose splits to run: ${PLANNERS.join(", ")} or all`, default: "optimal"},
    runs: {type: "string", arg: "N", description: "timed repetitions of each configuration", default: "10"},
    baseline: {type: "string", arg: "U,V", description: "also time these units alone on the whole batch, outside the split (e.g. cpu:2: both cores in one session)"},
    pin: {type: "boolean", description: "pin each unit without @cores to cores of its own, in order (needs taskset)"},
    opt: {type: "string", arg: "LEVEL", description: "ORT graph optimization level", default: "all"},
    reprofile: {type: "boolean", description: "profile the units again even if the store has a matching table"},
    "profile-runs": {type: "string", arg: "N", description: "timed runs per size when a profile is needed", default: "5"},
    holdout: {type: "string", arg: "K", description: "held-out sizes when a profile is needed", default: "3"},
    json: {type: "boolean", description: "print the results as JSON on stdout"}
  },
  positionals: false,
  // The store's lock while writing, and a failure recorded as a failed run (history/session.ts).
  run: ({values}) => unattended("partition run", {}, async (session) => {
    await session.begin();

    const model = await resolveModel(values.model);
    const batch = batchOption("batch", values.batch);
    const units = await unitsOption(values.units, {pin: values.pin});
    const baselines = values.baseline ? parseUnits(values.baseline) : [];
    for (const b of baselines) {
      if (units.some((u) => u.label === b.label)) throw new UserError(`--baseline: ${b.label} is already one of the units`, {hint: "Its time alone on the whole batch is measured anyway; give a different unit, e.g. cpu:2"});
    }
    const planners = parsePlanners(values.planner);
    const runs = positiveInt("runs", values.runs);
    const opt = optLevel(values.opt);
    const labels = units.map((u) => u.label);
    const host = hostFingerprint();
    log(`partition run: ${model.name}, batch ${batch} on ${describeUnits(units)}${baselines.length ? ` (baseline ${describeUnits(baselines)})` : ""}; ${host.host_name}, ${host.host_cores} cores; store ${storeRoot()}`);

    const run = newRun("partition run", {model: model.name, model_file: model.file, batch, units: labels, baselines: baselines.map((b) => b.label), planners, runs, opt_level: opt});
    const cancel = cancelOnSigint("the partition run");
    let procs: UnitProcess[] = [];
    try {
      return await recorded(run, async (finish) => {
        procs = await startUnits([...units, ...baselines], {modelFile: model.file, optLevel: opt});
        const setProcs = procs.slice(0, units.length);
        const baseProcs = procs.slice(units.length);

        let stored: StoredTable | null = values.reprofile ? null : await findProfile({model: model.name, units: labels, minMaxBatch: batch, optLevel: opt, thisHost: true});
        if (stored) log(`using ${describeTable(stored)}`);
        else {
          log(`no stored profile of ${model.name} on this machine covers ${labels.join(", ")} up to batch ${batch}: profiling now`);
          const profileRuns = positiveInt("profile-runs", values["profile-runs"]);
          const profileRun = newRun("partition profile", {model: model.name, model_file: model.file, units: labels, max_batch: batch, runs: profileRuns, opt_level: opt, by: "partition run"});
          const outcome = await recorded(profileRun, async (finishProfile) => {
            const o = await profileUnits(setProcs, {model: model.name, optLevel: opt, maxBatch: batch, runs: profileRuns, holdout: nonNegativeInt("holdout", values.holdout, 3), signal: cancel.signal});
            await appendRows(partitionProfiles, o.rows, profileRun);
            await finishProfile({status: o.cancelled ? "cancelled" : o.failed.length ? "failed" : "ok", rows_written: o.rows.length, error: o.failed.map((f) => `${f.unit}: ${f.error}`).join("; ") || null});
            return o;
          });
          for (const line of holdoutSummary(outcome.rows)) log(line);
          if (outcome.cancelled) {
            await finish({status: "cancelled", rows_written: 0, error: "cancelled while profiling"});
            return 130;
          }
          if (outcome.failed.length) throw new UserError(`partition run: no usable profile for ${outcome.failed.map((f) => f.unit).join(", ")}: ${outcome.failed[0].error}`, {hint: "Leave that unit out of --units, or use a smaller --batch"});
          stored = {
            run_id: profileRun.run_id, model: model.name, host_id: host.host_id, host_name: host.host_name, collected_at: profileRun.collected_at, units: labels, max_batch: batch, opt_level: opt, imported: false, source_file: null,
            points: outcome.rows.filter((r) => r.row_kind === "grid").map((r) => ({unit: r.unit, batch: r.batch, ms: r.median_ms}))
          };
        }
        (run.config as Record<string, unknown>).profile_run_id = stored.run_id;
        const table = storedPerfTable(stored, labels);
        const set = planAll(table, batch, planners);
        for (const line of formatPlans(set)) log(line);

        const outcome = await executePlans(setProcs, baseProcs, table, set, {model: model.name, optLevel: opt, batch, runs, profileRunId: stored.run_id, signal: cancel.signal});
        await closeUnits(procs);
        const plans = planRows(set, {model: model.name, profileRunId: stored.run_id, imported: false});
        await appendRows(partitionPlans, plans, run);
        await appendRows(partitionRuns, outcome.rows, run);
        await finish({status: outcome.cancelled ? "cancelled" : "ok", rows_written: plans.length + outcome.rows.length, error: outcome.cancelled ? "cancelled: complete repetitions were kept" : null});

        if (values.json) {
          process.stdout.write(`${JSON.stringify({run_id: run.run_id, model: model.name, batch, units: labels, host: host.host_name, cores: host.host_cores, profile_run_id: stored.run_id, best_single: outcome.best_single, results: outcome.summary}, null, 2)}\n`);
        } else if (outcome.summary.length) {
          const head = ["configuration", `shares (${labels.join("/")})`, "predicted", "measured median", "p90", "error", "time saved vs best single"];
          const body = outcome.summary.map((s) => [
            s.key === s.measured_as ? s.key : `${s.key} (same as ${s.measured_as})`,
            s.shares.length ? s.shares.join("/") : `${batch} alone`,
            ms(s.predicted_ms), ms(s.median_ms), ms(s.p90_ms), pct(s.error_pct), pct(s.reduction_pct)
          ]);
          const load = outcome.rows[0]?.load_1m;
          process.stdout.write(`${model.name}, batch ${batch}, ${outcome.rows[0]?.runs ?? 0} repetitions on ${host.host_name} (${host.host_cores} cores${load != null ? `, load average ${load.toFixed(1)} when timing started` : ""})\n`);
          process.stdout.write(`${alignTable([head, ...body], (c) => c > 1).join("\n")}\n`);
          process.stdout.write(`best single unit: ${outcome.best_single.unit}, ${ms(outcome.best_single.ms)} measured for all ${batch} items\n`);
        }
        log(`partition run: run ${run.run_id}`);
        return outcome.cancelled ? 130 : 0;
      });
    } finally {
      await closeUnits(procs);
      cancel.dispose();
    }
  })
});
