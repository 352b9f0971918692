import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {log} from "../../common/progress.ts";
import {runBench} from "../../bench/collector.ts";
import {describeConfig} from "../../bench/collector.ts";
import {planBench} from "../../bench/plan.ts";
import {newRun, storeRoot} from "../../store/store.ts";
import {unattended} from "../../history/session.ts";

export const benchOptions = {
  models: {type: "string", arg: "A,B", description: "zoo models to run (default: the study's five; see `inferscope models list`)"},
  model: {type: "string", multiple: true, arg: "FILE.onnx", description: "your own ONNX model (repeatable); alone, only these run"},
  runtimes: {type: "string", arg: "R,S", description: "ort-cpu, ort-wasm, ort-cuda (default: those this machine has)"},
  threads: {type: "string", arg: "N,M", description: "intra-op threads (overrides the quick/full matrix)"},
  batch: {type: "string", arg: "N,M", description: "batch sizes (overrides the quick/full matrix)"},
  opt: {type: "string", arg: "L,M", description: "graph optimization levels: disabled, basic, extended, all"},
  runs: {type: "string", arg: "N", description: "timed runs per configuration", default: "30"},
  full: {type: "boolean", description: "the full matrix: every zoo model, threads, batch 1 and 8, every optimization level"},
  timeout: {type: "string", arg: "SECONDS", description: "give up on one configuration after this long", default: "600"},
  export: {type: "string", arg: "FILE.parquet", description: "also write the results to one self-contained Parquet file (for `inferscope import runs` elsewhere)"},
  "dry-run": {type: "boolean", description: "print the configurations and stop"},
  json: {type: "boolean", description: "print the result rows as JSON on stdout"},
  log: {type: "boolean", description: "also write everything printed to data/logs/<run_id>.log (as INFERSCOPE_LOG=1 does; INFERSCOPE_LOG_DIR moves it)"}
} as const;

export default defineCommand({
  usage: "[--models A,B] [--model FILE.onnx] [--runtimes R] [--threads N] [--batch N] [--opt L] [--full]",
  description: "Benchmark models on this machine's runtimes. Each configuration runs in its own process: warm-up until stable, then timed runs; every sample and its statistics go to the store.",
  details: "Quick matrix (default): each model at batch 1 on ort-cpu with 1 thread and all cores (opt all), all cores at opt disabled, and ort-wasm with 1 thread.\nCtrl-C stops after the configuration in flight; finished ones are kept.",
  options: benchOptions,
  positionals: false,
  // A session (history/session.ts): the store's lock while writing, a failure recorded, --log.
  run: ({values}) => unattended("bench", {log: values.log}, async (session) => {
    if (!values["dry-run"]) await session.begin();
    const {configs, devices, skipped} = await planBench({...values, model: values.model, noBuild: values["dry-run"]});
    for (const s of skipped) log(`note: ${s}`);
    if (values["dry-run"]) {
      for (const c of configs) process.stdout.write(`${describeConfig(c)}\n`);
      return;
    }
    const timeout = Number(values.timeout);
    log(`bench: ${configs.length} configurations into ${storeRoot()}`);
    const cancel = cancelOnSigint("the benchmark");
    try {
      const outcome = await runBench(configs, {signal: cancel.signal, timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 600) * 1000, exportFile: values.export, devices, run: newRun("bench", {options: values, devices, configurations: configs})});
      const failed = outcome.rows.filter((r) => r.status !== "ok").length;
      log(`bench: ${outcome.status === "cancelled" ? "cancelled; kept" : "done:"} ${outcome.rows.length} configuration(s), ${failed} failed, run ${outcome.run.run_id}${values.export ? `, exported to ${values.export}` : ""}`);
      if (values.json) process.stdout.write(`${JSON.stringify({run_id: outcome.run.run_id, status: outcome.status, rows: outcome.rows.map(({samples_ms, ...r}) => r)}, null, 2)}\n`);
      return outcome.status === "cancelled" ? 130 : 0;
    } finally {
      cancel.dispose();
    }
  })
});
