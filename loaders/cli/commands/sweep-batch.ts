import {defineCommand} from "../command.ts";
import {unattended} from "../../history/session.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {RUNTIMES, type RuntimeName} from "../../bench/config.ts";
import {cudaDevice, positiveInts} from "../../bench/plan.ts";
import {resolveModel} from "../../partition/model.ts";
import {optLevel, positiveInt} from "../../partition/options.ts";
import {recorded} from "../../partition/run-record.ts";
import {detectPowerSource, parsePowerChoice} from "../../power/detect.ts";
import {runBatchSweep} from "../../sweep/batch.ts";
import {efficiencyFit, formatBatchSweep} from "../../sweep/report.ts";
import {batchSweep} from "../../store/datasets.ts";
import {appendRows, newRun, storeRoot} from "../../store/store.ts";
import os from "node:os";

export const sweepBatchOptions = {
  model: {type: "string", arg: "NAME|FILE.onnx", description: "zoo model (built on first use) or an ONNX file with a symbolic batch dimension"},
  runtime: {type: "string", arg: "R", description: "ort-cpu, ort-wasm or ort-cuda", default: "ort-cpu"},
  batch: {type: "string", arg: "1,2,4,...", description: "batch sizes, in the order they run", default: "1,2,4,8,16,32,64"},
  threads: {type: "string", arg: "N", description: "intra-op threads (default: all cores)"},
  opt: {type: "string", arg: "LEVEL", description: "ORT graph optimization level", default: "all"},
  window: {type: "string", arg: "SECONDS", description: "measurement window per batch size (requests back to back)", default: "3"},
  "min-runs": {type: "string", arg: "N", description: "at least this many requests per window", default: "5"},
  power: {type: "string", arg: "SOURCE", description: "auto, nvidia-smi, powercap or none", default: "auto"},
  "power-interval": {type: "string", arg: "MS", description: "power sampling interval", default: "100"},
  timeout: {type: "string", arg: "SECONDS", description: "give up on one batch size after this long", default: "600"},
  json: {type: "boolean", description: "print the rows as JSON on stdout"},
  log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log"}
} as const;

export default defineCommand({
  usage: "--model M [--runtime R] [--batch 1,2,4,...,256] [--window S] [--power auto|nvidia-smi|powercap|none]",
  description:
    "Sweep batch sizes: at each size, requests back to back for a fixed window in a fresh process (maximum throughput = requests/s x batch, latency percentiles) while power is sampled (nvidia-smi for a GPU, RAPL/powercap for the CPU, or none). Rows go to the store (batch_sweep) with every power sample, so throttling over a long sweep stays visible.",
  details:
    "Efficiency is inferences per joule = throughput / mean power; with power, the summary fits efficiency against throughput with a line and its R^2.\nExample:\n  inferscope sweep batch --model mobilenet_v1 --batch 1,2,4,8,16,32,64,128,256",
  options: sweepBatchOptions,
  positionals: false,
  run: ({values}) =>
    unattended("sweep batch", {log: values.log}, async (session) => {
      const model = await resolveModel(values.model);
      const runtime = (values.runtime ?? "ort-cpu") as RuntimeName;
      if (!(runtime in RUNTIMES)) throw new UserError(`--runtime: unknown runtime '${runtime}'`, {hint: `Use ${Object.keys(RUNTIMES).join(", ")}`});
      let device = "cpu";
      if (runtime === "ort-cuda") {
        const gpu = await cudaDevice();
        if (!gpu) throw new UserError("--runtime ort-cuda: this machine has no NVIDIA GPU (nvidia-smi is missing or lists none)", {hint: "Use ort-cpu or ort-wasm here"});
        device = `gpu:${gpu}`;
      }
      const batches = positiveInts("batch", values.batch)!;
      const threads = positiveInt("threads", values.threads, os.availableParallelism());
      const opt = optLevel(values.opt);
      const windowS = Number(values.window);
      if (!(windowS > 0)) throw new UserError(`--window: '${values.window}' is not a positive number of seconds`, {hint: "e.g. --window 3"});
      const minRuns = positiveInt("min-runs", values["min-runs"]);
      const interval = positiveInt("power-interval", values["power-interval"]);
      const timeoutS = positiveInt("timeout", values.timeout);
      const power = await detectPowerSource({choice: parsePowerChoice(values.power), runtime});
      await session.begin();
      const run = newRun("sweep batch", {model: model.name, model_file: model.file, runtime, device, threads, opt_level: opt, batches, window_s: windowS, min_runs: minRuns, power: power.name, power_device: power.device});
      log(`sweep batch: ${model.name} on ${runtime} (${threads} thread${threads > 1 ? "s" : ""}), batch ${batches.join(",")}, ${windowS} s each; power: ${power.name === "none" ? power.note : `${power.name} (${power.device})`}; into ${storeRoot()}`);
      const cancel = cancelOnSigint("the sweep");
      try {
        return await recorded(run, async (finish) => {
          const outcome = await runBatchSweep({model: model.name, modelFile: model.file, runtime, device, threads, optLevel: opt, batches, windowMs: windowS * 1000, minRuns, power, powerIntervalMs: interval, signal: cancel.signal, timeoutMs: timeoutS * 1000});
          await appendRows(batchSweep, outcome.rows, run);
          const failed = outcome.rows.filter((r) => r.status !== "ok");
          const error = outcome.cancelled ? `cancelled after ${outcome.rows.length} of ${batches.length} batch sizes` : failed.length ? failed.map((r) => `batch ${r.batch}: ${r.error}`).join("; ") : null;
          await finish({status: outcome.cancelled ? "cancelled" : failed.length === outcome.rows.length ? "failed" : "ok", rows_written: outcome.rows.length, error});
          if (values.json) {
            const fit = efficiencyFit(outcome.rows);
            process.stdout.write(`${JSON.stringify({run_id: run.run_id, power_source: power.name, power_device: power.device, power_note: outcome.trace.note ?? power.note, efficiency_fit: fit, rows: outcome.rows.map(({samples_ms, power_t_s, power_w, sm_clock_mhz, temp_c, ...r}) => ({...r, power_samples: power_w?.length ?? 0}))}, null, 2)}\n`);
          } else process.stdout.write(`${formatBatchSweep(outcome.rows).join("\n")}\n`);
          log(`sweep batch: ${outcome.rows.length} rows, run ${run.run_id}`);
          if (outcome.cancelled) return 130;
          if (failed.length === outcome.rows.length && outcome.rows.length) throw new UserError(`sweep batch: every batch size failed (${failed[0].error})`, {hint: "Check that the model runs with `inferscope bench --model ...`"});
          return 0;
        });
      } finally {
        cancel.dispose();
      }
    })
});
