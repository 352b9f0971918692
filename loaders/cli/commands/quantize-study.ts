import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {unattended} from "../../history/session.ts";
import {parseMethod, methodLabel} from "../../quantize/calibrate.ts";
import {positiveInt, positiveInts, quantizedDir, schemesOf} from "../../quantize/cli-options.ts";
import {storeRoot} from "../../store/store.ts";

export default defineCommand({
  usage: "[--models A,B] [--model FILE.onnx] [--methods minmax,percentile,entropy] [--samples 8,32] [--symmetric] [--asymmetric] [--images DIR] [--runs N]",
  description:
    "The INT8 post-training quantization study: for each model, calibration method x calibration samples -> a QDQ model, its top-1 agreement, top-5 overlap, cosine similarity and per-layer SQNR against the float model on held-out inputs, and its latency next to FP32 on ort-cpu (each in its own process, like `inferscope bench`). Results go to quant_results, quant_layers and bench_results; the Quantization page shows them.",
  options: {
    models: {type: "string", arg: "A,B", description: "zoo models (default: mobilenet_v1,resnet50)"},
    model: {type: "string", multiple: true, arg: "FILE.onnx", description: "your own float ONNX model (repeatable); alone, only these run"},
    methods: {type: "string", arg: "M,N", default: "minmax,percentile,entropy", description: "calibration methods: minmax, percentile[=P] (default 99.99), entropy"},
    samples: {type: "string", arg: "N,M", default: "8,32", description: "calibration sample counts to compare"},
    symmetric: {type: "boolean", description: "int8 symmetric activations (with --asymmetric too: both)"},
    asymmetric: {type: "boolean", description: "uint8 asymmetric activations (the default)"},
    heldout: {type: "string", arg: "N", default: "16", description: "held-out inputs for the agreement"},
    "sqnr-samples": {type: "string", arg: "N", default: "4", description: "held-out inputs the per-layer SQNR is summed over"},
    images: {type: "string", arg: "DIR", description: "calibrate on this folder's images (the rest are held out); default: generated images"},
    "uint8-input": {type: "boolean", description: "quantized models take uint8 pixels"},
    "input-range": {type: "string", arg: "LO,HI", description: "float range of the input pixels (default 0,1; 0,255 for efficientnet_b0)"},
    mean: {type: "string", arg: "M[,M,M]", description: "subtract per channel after --input-range, in the model's channel order (e.g. 0.485,0.456,0.406)"},
    std: {type: "string", arg: "S[,S,S]", description: "then divide per channel (e.g. 0.229,0.224,0.225)"},
    bgr: {type: "boolean", description: "the model takes B,G,R channels (Caffe-style); images are decoded as R,G,B"},
    runs: {type: "string", arg: "N", default: "20", description: "timed runs per latency measurement"},
    threads: {type: "string", arg: "N", description: "intra-op threads (default: all cores)"},
    "no-bench": {type: "boolean", description: "skip the latency measurements"},
    timeout: {type: "string", arg: "SECONDS", default: "600", description: "give up on one latency measurement after this long"},
    "dry-run": {type: "boolean", description: "print what would run and stop"},
    json: {type: "boolean", description: "print the quant_results rows as JSON on stdout"}
  },
  positionals: false,
  details: [
    "Default: mobilenet_v1 and resnet50, 3 methods x 8 and 32 samples, uint8 asymmetric: 2-5 minutes on 2 cores, depending on what else runs (npm run collect:quantization).",
    "Ctrl-C stops after the step in flight; finished models are kept.",
    "Quantized files go to data/models/quantized/ (git-ignored)."
  ].join("\n"),
  run: ({values}) => unattended("quantize study", {}, async (session) => {
    const {resolveModelArg, runStudy, preprocessOf, DEFAULT_STUDY_MODELS, defaultThreads} = await import("../../quantize/study.ts");
    const methods = (values.methods ?? "").split(",").map((s) => s.trim()).filter(Boolean).map(parseMethod);
    if (methods.length === 0) throw new UserError("--methods: give at least one method", {hint: "e.g. --methods minmax,entropy"});
    const samples = positiveInts("samples", values.samples ?? "8,32");
    const schemes = schemesOf(values, {both: true});
    const names = values.models ? values.models.split(",").map((s) => s.trim()).filter(Boolean) : values.model?.length ? [] : DEFAULT_STUDY_MODELS;
    const dry = !!values["dry-run"];
    const models = [];
    for (const f of values.model ?? []) models.push(await resolveModelArg(f));
    for (const n of names) {
      if (n.includes("/") || n.endsWith(".onnx")) throw new UserError(`--models ${n}: --models takes zoo names`, {hint: "Use --model FILE.onnx for a file"});
      models.push(await resolveModelArg(n, {build: !dry}));
    }
    // Bad --mean/--std/--input-range are refused before any model is loaded.
    for (const m of models) preprocessOf(m, {inputRange: values["input-range"], mean: values.mean, std: values.std, bgr: values.bgr, uint8Input: values["uint8-input"]});
    const threads = values.threads ? positiveInt("threads", values.threads) : defaultThreads();
    const runs = positiveInt("runs", values.runs);
    if (dry) {
      for (const m of models) for (const n of samples) for (const s of schemes) for (const me of methods) process.stdout.write(`${m.name}: ${methodLabel(me)}, ${s ? "int8 symmetric" : "uint8 asymmetric"}, ${n} samples${values["no-bench"] ? "" : `; bench ort-cpu ${threads} threads, ${runs} runs`}\n`);
      return 0;
    }
    await session.begin();
    const timeout = Number(values.timeout);
    log(`quantize study: ${models.map((m) => m.name).join(", ")} into ${storeRoot()}`);
    const cancel = cancelOnSigint("the quantization study");
    try {
      const outcome = await runStudy({
        models, methods, samples, schemes, threads, runs,
        heldout: positiveInt("heldout", values.heldout),
        sqnrSamples: positiveInt("sqnr-samples", values["sqnr-samples"]),
        images: values.images,
        uint8Input: !!values["uint8-input"],
        inputRange: values["input-range"],
        mean: values.mean,
        std: values.std,
        bgr: values.bgr,
        bench: !values["no-bench"],
        outDir: quantizedDir(),
        timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 600) * 1000,
        signal: cancel.signal
      });
      const failed = outcome.results.filter((r) => r.status !== "ok").length;
      log(`quantize study: ${outcome.status === "cancelled" ? "cancelled; kept" : "done:"} ${outcome.results.length} quantized model(s), ${failed} failed, ${outcome.bench.length} latency measurements; run ${outcome.run.run_id}`);
      if (values.json) process.stdout.write(`${JSON.stringify({run_id: outcome.run.run_id, status: outcome.status, results: outcome.results}, null, 2)}\n`);
      else {
        for (const r of outcome.results) {
          process.stdout.write(`${r.model.padEnd(14)} ${r.method_label.padEnd(18)} ${r.activations.padEnd(17)} n=${String(r.samples).padEnd(3)} ${r.status === "ok" ? `top-1 ${(100 * r.top1_agreement!).toFixed(1).padStart(5)}%  top-5 ${(100 * r.top5_overlap!).toFixed(1).padStart(5)}%  SQNR out ${r.output_sqnr_db!.toFixed(1).padStart(5)} dB, min layer ${r.layer_sqnr_min_db?.toFixed(1).padStart(5)} dB${r.int8_median_ms ? `  INT8 ${r.int8_median_ms.toFixed(2)} ms vs FP32 ${r.fp32_median_ms?.toFixed(2)} ms (${r.speedup?.toFixed(2)}x)` : ""}` : `FAILED: ${r.error}`}\n`);
        }
        process.stdout.write("next: npm run dev -> Quantization\n");
      }
      return outcome.status === "cancelled" ? 130 : 0;
    } finally {
      cancel.dispose();
    }
  })
});
