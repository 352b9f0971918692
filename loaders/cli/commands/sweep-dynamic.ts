import {defineCommand} from "../command.ts";
import {unattended} from "../../history/session.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log, Progress} from "../../common/progress.ts";
import {resolveModel} from "../../partition/model.ts";
import {positiveInt} from "../../partition/options.ts";
import {recorded} from "../../partition/run-record.ts";
import {detectPowerSource, parsePowerChoice} from "../../power/detect.ts";
import {runBatchSweep} from "../../sweep/batch.ts";
import {parseBatcher, rateRange, runDynamicSweep, servingAvailable} from "../../sweep/dynamic.ts";
import {recommend, type ProfilePoint} from "../../sweep/recommend.ts";
import {batchRecommendations, batchSweep, dynamicBatching} from "../../store/datasets.ts";
import {appendRows, newRun, queryStore, storeRoot} from "../../store/store.ts";
import {sqlString} from "../../store/schema.ts";

export const DEFAULT_BATCHERS = ["1", "8@5000", "16:8/16@20000"];

export const sweepDynamicOptions = {
  model: {type: "string", arg: "NAME|FILE.onnx", description: "zoo model or ONNX file the server serves"},
  batcher: {type: "string", multiple: true, arg: "MAX[:P/Q][@US]", description: `a dynamic-batcher setting: max batch, preferred sizes, max queue delay in µs (repeatable; default ${DEFAULT_BATCHERS.join(" ")})`},
  rates: {type: "string", arg: "A:B:STEP", description: "request rates to offer, requests/s", default: "20:80:20"},
  distribution: {type: "string", arg: "D", description: "arrivals: poisson or constant", default: "poisson"},
  batch: {type: "string", arg: "N", description: "inferences per request sent by the client", default: "1"},
  instances: {type: "string", arg: "N", description: "model instances in the server", default: "1"},
  threads: {type: "string", arg: "N", description: "intra-op threads per instance (and for the profile)", default: "1"},
  "bound-ms": {type: "string", arg: "MS", description: "latency bound for the recommendation: p99 at most this", default: "50"},
  "window-ms": {type: "string", arg: "MS", description: "load generator measurement window", default: "1000"},
  "max-windows": {type: "string", arg: "N", description: "load generator windows per rate at most", default: "3"},
  "profile-run": {type: "string", arg: "RUN_ID", description: "use this stored batch sweep as the profile instead of measuring one"},
  "profile-window": {type: "string", arg: "SECONDS", description: "window per batch size of the profile measured first", default: "1"},
  power: {type: "string", arg: "SOURCE", description: "power source for the profile: auto, nvidia-smi, powercap or none", default: "auto"},
  json: {type: "boolean", description: "print measurements and recommendations as JSON on stdout"},
  log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log"}
} as const;

function nonNegative(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!(n > 0)) throw new UserError(`--${flag}: '${value}' is not a positive number`, {hint: `e.g. --${flag} 50`});
  return n;
}

export default defineCommand({
  usage: "--model M [--batcher MAX[:P/Q][@US] ...] [--rates A:B:STEP] [--bound-ms 50]",
  description:
    "Dynamic batching versus request rate on the reference server: for each batcher setting, start `inferscope serve`, offer increasing request rates with `inferscope load`, and record throughput and latency percentiles (dynamic_batching). A batch sweep of the model (measured first, or --profile-run) predicts, per rate, the batch size and queue delay that meet the p99 bound with the best efficiency (throughput when the profile has no power); the recommendation is stored beside the measurement (batch_recommendations).",
  details: "Example:\n  inferscope sweep dynamic --model mobilenet_v1 --batcher 1 --batcher 8@5000 --batcher 16:8/16@20000 --rates 10:60:10 --bound-ms 100",
  options: sweepDynamicOptions,
  positionals: false,
  run: ({values}) =>
    unattended("sweep dynamic", {log: values.log}, async (session) => {
      if (!servingAvailable()) throw new UserError("sweep dynamic needs the reference server and load generator (inferscope serve, inferscope load), which this checkout does not have", {hint: "Update inferscope; the batch and pipeline sweeps work without them"});
      const model = await resolveModel(values.model);
      const batchers = (values.batcher?.length ? values.batcher : DEFAULT_BATCHERS).map(parseBatcher);
      const rates = rateRange(values.rates ?? "20:80:20");
      const distribution = values.distribution ?? "poisson";
      if (!["poisson", "constant"].includes(distribution)) throw new UserError(`--distribution: '${distribution}' is not poisson or constant`, {hint: "e.g. --distribution poisson"});
      const clientBatch = positiveInt("batch", values.batch);
      const instances = positiveInt("instances", values.instances);
      const threads = positiveInt("threads", values.threads);
      const boundMs = nonNegative("bound-ms", values["bound-ms"]);
      const windowMs = positiveInt("window-ms", values["window-ms"]);
      const maxWindows = positiveInt("max-windows", values["max-windows"]);
      const profileWindow = nonNegative("profile-window", values["profile-window"]);
      const maxBatch = Math.max(...batchers.map((b) => b.max_batch));
      await session.begin();
      const cancel = cancelOnSigint("the dynamic-batching sweep");
      try {
        // The profile: a stored batch sweep, or one measured now with the server's threads per instance.
        let profileRunId: string;
        let profile: ProfilePoint[];
        if (values["profile-run"]) {
          profileRunId = values["profile-run"];
          profile = await queryStore<ProfilePoint>(`SELECT batch, p99_ms, mean_ms, throughput_infer_per_s, infer_per_joule FROM batch_sweep WHERE run_id = ${sqlString(profileRunId)} AND status = 'ok' ORDER BY batch`);
          if (!profile.length) throw new UserError(`--profile-run: no batch sweep '${profileRunId}' in the store`, {hint: "List them with `inferscope runs list`; or leave the option out to measure one"});
        } else {
          const batches = [1];
          while (batches[batches.length - 1] * 2 <= maxBatch) batches.push(batches[batches.length - 1] * 2);
          const power = await detectPowerSource({choice: parsePowerChoice(values.power), runtime: "ort-cpu"});
          const run = newRun("sweep batch", {model: model.name, model_file: model.file, runtime: "ort-cpu", threads, opt_level: "all", batches, window_s: profileWindow, power: power.name, purpose: "profile for sweep dynamic"});
          log(`sweep dynamic: profiling ${model.name} at batch ${batches.join(",")} with ${threads} thread${threads > 1 ? "s" : ""} (the server's instances use as many)`);
          const outcome = await recorded(run, async (finish) => {
            const out = await runBatchSweep({model: model.name, modelFile: model.file, runtime: "ort-cpu", device: "cpu", threads, optLevel: "all", batches, windowMs: profileWindow * 1000, minRuns: 3, power, signal: cancel.signal});
            await appendRows(batchSweep, out.rows, run);
            await finish({status: out.cancelled ? "cancelled" : "ok", rows_written: out.rows.length, error: out.cancelled ? "cancelled" : null});
            return out;
          });
          if (outcome.cancelled) return 130;
          profileRunId = run.run_id;
          profile = outcome.rows.filter((r) => r.status === "ok").map((r) => ({batch: r.batch, p99_ms: r.p99_ms!, mean_ms: r.mean_ms!, throughput_infer_per_s: r.throughput_infer_per_s!, infer_per_joule: r.infer_per_joule ?? null}));
        }

        const run = newRun("sweep dynamic", {model: model.name, model_file: model.file, batchers, rates, distribution, client_batch: clientBatch, instances, threads, bound_ms: boundMs, profile_run_id: profileRunId});
        log(`sweep dynamic: ${batchers.length} batcher settings x ${rates.length} request rates (${values.rates}, ${distribution}) on the reference server; into ${storeRoot()}`);
        return await recorded(run, async (finish) => {
          const progress = new Progress({total: batchers.length, label: "sweep dynamic"});
          const out = await runDynamicSweep({
            model: model.name,
            modelFile: model.file,
            batchers,
            instances,
            threads,
            rates: values.rates ?? "20:80:20",
            distribution,
            clientBatch,
            windowMs,
            maxWindows,
            signal: cancel.signal,
            onConfig: (label, i) => {
              if (i > 0) progress.finish();
              progress.start(label);
            },
            onStep: (_, r) => log(`  ${r.request_rate} req/s: ${r.throughput_infer_per_s.toFixed(1)} infer/s, p50 ${(r.p50_us / 1000).toFixed(1)} ms, p99 ${(r.p99_us / 1000).toFixed(1)} ms`)
          });
          if (!out.cancelled) progress.finish();
          const recs = recommend(profile, {model: model.name, profileRunId, rates, boundMs, clientBatch, maxBatch, measured: out.rows});
          await appendRows(dynamicBatching, out.rows, run);
          await appendRows(batchRecommendations, recs, run);
          await finish({status: out.cancelled ? "cancelled" : "ok", rows_written: out.rows.length + recs.length, error: out.cancelled ? "cancelled: the rates measured so far are kept" : null});
          if (values.json) process.stdout.write(`${JSON.stringify({run_id: run.run_id, profile_run_id: profileRunId, measurements: out.rows, recommendations: recs}, null, 2)}\n`);
          else {
            const lines = [`recommendation for p99 <= ${boundMs} ms (${recs[0]?.objective ?? "throughput"}), from batch sweep ${profileRunId}:`, "req/s  batch  delay µs  predicted p99 ms  load   measured (closest batcher)"];
            for (const r of recs) {
              lines.push(
                `${String(r.request_rate).padStart(5)}  ${r.batch === null ? "    -" : String(r.batch).padStart(5)}  ${r.max_queue_delay_us == null ? "       -" : r.max_queue_delay_us.toFixed(0).padStart(8)}  ${r.predicted_p99_ms == null ? "               -" : r.predicted_p99_ms.toFixed(2).padStart(16)}  ${r.utilisation == null ? "   -" : `${(100 * r.utilisation).toFixed(0)}%`.padStart(4)}   ${r.measured_config ? `${r.measured_config}: p99 ${r.measured_p99_ms!.toFixed(2)} ms` : "-"}${r.feasible ? "" : `  (${r.note})`}`
              );
            }
            process.stdout.write(`${lines.join("\n")}\n`);
          }
          log(`sweep dynamic: ${out.rows.length} measurements, ${recs.length} recommendations, run ${run.run_id}`);
          return out.cancelled ? 130 : 0;
        });
      } finally {
        cancel.dispose();
      }
    })
});
