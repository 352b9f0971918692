import {unattended} from "../../history/session.ts";
import {defineCommand} from "../command.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {log} from "../../common/progress.ts";
import {runProfiles} from "../../profile/collector.ts";
import {ensureRoofline, rooflineThreads} from "../../profile/host-roofline.ts";
import {DEFAULT_PROFILE_MODELS, DEFAULT_RUNS, DEFAULT_WARMUP, describeProfile, planProfiles} from "../../profile/plan.ts";
import {formatTopOps, topOpsOfRun} from "../../profile/summary.ts";
import {storeRoot} from "../../store/store.ts";

export default defineCommand({
  usage: "[--models A,B] [--model FILE.onnx] [--runtimes R] [--opt L] [--runs N] [--warmup N] [--threads N]",
  description:
    "Profile models operator by operator with ONNX Runtime on this machine: per-node kernel times of every run, fused domains and activations, the fusion map against the unoptimized graph, and this host's roofline ceilings (measured once). Each configuration runs in its own process.",
  options: {
    models: {type: "string", arg: "A,B", description: `zoo models to profile (default: ${DEFAULT_PROFILE_MODELS.join(",")})`},
    model: {type: "string", multiple: true, arg: "FILE.onnx", description: "your own ONNX model (repeatable); alone, only these run"},
    runtimes: {type: "string", arg: "R,S", description: "ort-cpu, ort-wasm, ort-cuda (default: ort-cpu,ort-wasm)"},
    opt: {type: "string", arg: "L,M", description: "optimization levels for every runtime (default: all,disabled on ort-cpu, all on ort-wasm)"},
    threads: {type: "string", arg: "N", description: "intra-op threads (default: every core on ort-cpu, 1 on ort-wasm)"},
    batch: {type: "string", arg: "N", default: "1", description: "batch size"},
    runs: {type: "string", arg: "N", default: String(DEFAULT_RUNS), description: "profiled runs per configuration, after the warm-up"},
    warmup: {type: "string", arg: "N", default: String(DEFAULT_WARMUP), description: "warm-up runs first (kept in the profile with their run_index; left out of shares)"},
    timeout: {type: "string", arg: "SECONDS", default: "600", description: "give up on one configuration after this long"},
    "keep-profiles": {type: "string", arg: "DIR", description: "also keep the profile JSON files, under DIR/<run_id>/"},
    "skip-roofline": {type: "boolean", description: "do not measure this host's roofline ceilings, even if the store has none"},
    k: {type: "string", arg: "N", default: "4", description: "operators shown per configuration in the summary"},
    "dry-run": {type: "boolean", description: "print the configurations and stop"},
    json: {type: "boolean", description: "print the profiled configurations as JSON on stdout"}
  },
  positionals: false,
  details: [
    "Default (about a minute on 2 cores): mobilenet_v1 and resnet50 on ort-cpu at 'all' and 'disabled' and on ort-wasm at 'all'.",
    "Stored: op_profiles (one row per node per run; run_index < warmup_runs are warm-ups), fusion_maps, op_profile_runs, roofline_host.",
    "onnxruntime-web prints its profile to stdout through the WASM file system; it is captured in the child process.",
    "",
    "Then: inferscope ops top --model mobilenet_v1 --opt-level all    inferscope ops fusion --model resnet50",
    "      npm run dev (the Operators page)"
  ].join("\n"),
  // The store's lock while writing, and a failure recorded as a failed run (history/session.ts).
  run: ({values}) => unattended("profile", {}, async (session) => {
    if (!values["dry-run"]) await session.begin();

    const {configs, devices, skipped} = await planProfiles({...values, model: values.model});
    for (const s of skipped) log(`note: ${s}`);
    if (values["dry-run"]) {
      for (const c of configs) process.stdout.write(`${describeProfile(c)}; ${c.warmup} warm-up + ${c.runs} profiled runs\n`);
      return;
    }
    const k = Math.max(1, Number(values.k) || 4);
    const timeout = Number(values.timeout);
    log(`profile: ${configs.length} configurations into ${storeRoot()}`);
    const cancel = cancelOnSigint("profiling");
    try {
      const outcome = await runProfiles(configs, {signal: cancel.signal, timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 600) * 1000, devices, keepProfiles: values["keep-profiles"]});
      const failed = outcome.configs.filter((r) => r.status !== "ok").length;
      log(`profile: ${outcome.status === "cancelled" ? "cancelled; kept" : "done:"} ${outcome.configs.length} configuration(s), ${failed} failed; ${outcome.opRows} op_profiles rows, ${outcome.fusionRows} fusion_maps rows; run ${outcome.run.run_id}`);
      if (outcome.status === "ok" && !values["skip-roofline"]) {
        await ensureRoofline({threads: rooflineThreads(configs.map((c) => c.threads)), signal: cancel.signal});
      }
      if (values.json) {
        process.stdout.write(`${JSON.stringify({run_id: outcome.run.run_id, status: outcome.status, configs: outcome.configs.map(({samples_ms, ...r}) => r)}, null, 2)}\n`);
      } else {
        const tops = await topOpsOfRun(outcome.run.run_id, outcome.configs, {k});
        for (const [c, rows] of tops) process.stdout.write(`${formatTopOps(c, rows, k)}\n\n`);
        process.stdout.write(`next: inferscope ops top --model ${configs[0]?.model ?? "M"} --opt-level all   |   inferscope ops fusion --model ${configs[0]?.model ?? "M"}   |   npm run dev -> Operators\n`);
      }
      return outcome.status === "cancelled" ? 130 : 0;
    } finally {
      cancel.dispose();
    }
  })
});
