import {resolve} from "node:path";
import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {unattended} from "../../history/session.ts";
import {parseMethod, methodLabel, needsHistogram} from "../../quantize/calibrate.ts";
import {FORMATS_HELP} from "../../quantize/images.ts";
import {SUPPORTED_OPS} from "../../quantize/qdq.ts";
import {positiveInt, quantizedDir, schemesOf} from "../../quantize/cli-options.ts";

export default defineCommand({
  usage: "<model.onnx|zoo name> --method minmax|percentile[=99.99]|entropy --symmetric|--asymmetric --samples N [--images DIR] --out FILE.onnx [--uint8-input] [--json]",
  description:
    "INT8 post-training static quantization to the ONNX QDQ form, as ONNX Runtime's quantizer does it: int8 symmetric per-channel weights for Conv/Gemm/MatMul (int32 bias), per-tensor activations calibrated by running the float model in onnxruntime-node. Reports what was quantized, what stayed in float, and the agreement with the float model on held-out inputs. Writes quant_results and quant_layers to the store.",
  options: {
    method: {type: "string", arg: "M", default: "minmax", description: "calibration: minmax, percentile[=99.99] (clip the tails) or entropy (KL divergence)"},
    symmetric: {type: "boolean", description: "int8 activations, symmetric around 0"},
    asymmetric: {type: "boolean", description: "uint8 activations with a zero point (the default)"},
    samples: {type: "string", arg: "N", default: "16", description: "calibration inputs"},
    images: {type: "string", arg: "DIR", description: "calibrate on the images of this folder (sorted by name; the rest are held out); default: generated images"},
    out: {type: "string", arg: "FILE.onnx", description: "where to write the quantized model (default: data/models/quantized/<model>-int8-<method>-<scheme>-n<N>.onnx)"},
    "uint8-input": {type: "boolean", description: "the quantized model takes uint8 pixels 0..255 (the quantize step folded into preprocessing)"},
    "input-range": {type: "string", arg: "LO,HI", description: "the float range pixel values 0..255 map to (default 0,1; 0,255 for efficientnet_b0)"},
    mean: {type: "string", arg: "M[,M,M]", description: "subtract per channel after --input-range, in the model's channel order (e.g. 0.485,0.456,0.406)"},
    std: {type: "string", arg: "S[,S,S]", description: "then divide per channel (e.g. 0.229,0.224,0.225)"},
    bgr: {type: "boolean", description: "the model takes B,G,R channels (Caffe-style); images are decoded as R,G,B"},
    heldout: {type: "string", arg: "N", default: "16", description: "held-out inputs for the agreement (never used to calibrate)"},
    "sqnr-samples": {type: "string", arg: "N", default: "4", description: "held-out inputs the per-layer SQNR is summed over"},
    threads: {type: "string", arg: "N", description: "intra-op threads for calibration and evaluation (default: all cores)"},
    json: {type: "boolean", description: "print the result as JSON on stdout"}
  },
  details: [
    `Quantized ops: ${SUPPORTED_OPS.join(", ")}. Any other op stays in float (it reads dequantized inputs) and is listed.`,
    `Image formats: ${FORMATS_HELP}.`,
    "Without --images, calibration and held-out inputs are generated, deterministic images (different seeds): the results say so.",
    "",
    "Then compare latency, FP32 and INT8 in the same table:",
    "  inferscope bench --models mobilenet_v1 --model data/models/quantized/mobilenet_v1-int8-minmax-asym-n16.onnx --runtimes ort-cpu",
    "Or run the whole study (methods x samples, with latency): inferscope quantize study"
  ].join("\n"),
  run: async ({values, positionals}) => {
    if (positionals.length !== 1) throw new UserError(positionals.length ? `quantize takes one model, got ${positionals.length}: ${positionals.join(" ")}` : "quantize: which model?", {hint: "inferscope quantize mobilenet_v1 --method minmax --samples 16 --out mnv1-int8.onnx"});
    const method = parseMethod(values.method ?? "minmax");
    const [symmetric] = schemesOf(values);
    const samples = positiveInt("samples", values.samples);
    const heldout = positiveInt("heldout", values.heldout);
    const sqnrSamples = positiveInt("sqnr-samples", values["sqnr-samples"]);
    const threads = values.threads ? positiveInt("threads", values.threads) : undefined;
    const {resolveModelArg, preprocessOf} = await import("../../quantize/study.ts");
    return unattended("quantize", {}, async (session) => {
      const model = await resolveModelArg(positionals[0]);
      const range = preprocessOf(model, {inputRange: values["input-range"], mean: values.mean, std: values.std, bgr: values.bgr, uint8Input: values["uint8-input"]});
      const {quantizeOne} = await import("../../quantize/one.ts");
      const {quantFileName} = await import("../../quantize/rows.ts");
      const out = resolve(values.out ?? `${quantizedDir()}/${quantFileName(model.name, method, symmetric, samples, !!values["uint8-input"])}`);
      if (!/\.onnx$/i.test(out)) throw new UserError(`--out ${values.out}: the file name should end in .onnx`, {hint: "e.g. --out mobilenet_v1-int8.onnx"});
      await session.begin();
      const cancel = cancelOnSigint("quantization");
      try {
        log(`quantize: ${model.name} (${model.file}), ${methodLabel(method)}${needsHistogram(method) ? " (with histograms)" : ""}, ${symmetric ? "int8 symmetric" : "uint8 asymmetric"} activations, ${samples} calibration inputs`);
        const r = await quantizeOne({model, range, method, symmetric, samples, heldout, sqnrSamples, images: values.images, uint8Input: !!values["uint8-input"], out, threads, signal: cancel.signal});
        process.stdout.write(values.json ? `${JSON.stringify(r.json, null, 2)}\n` : `${r.text}\n`);
        return r.status === "ok" ? 0 : 1;
      } finally {
        cancel.dispose();
      }
    });
  }
});
