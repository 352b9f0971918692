import {defineCommand} from "../command.ts";
import {readTrtexecProfile} from "../../formats/trtexec/index.ts";
import {importMeta, importOpProfile, importOptions, printImport} from "../../ops/profile-import.ts";

export default defineCommand({
  usage: "<profile.json> --model M --device D [--layer-info layers.json] [--runtime tensorrt] [--opt-level L] [--json]",
  description:
    "Import a TensorRT layer profile written by trtexec --exportProfile (with or without medianMs), optionally joined with the --exportLayerInfo file for layer types, shapes and weights. One op_profiles row per (fused) layer, averaged over the profiled iterations.",
  options: {
    ...importOptions("tensorrt"),
    "layer-info": {type: "string", arg: "FILE", description: "the trtexec --exportLayerInfo JSON of the same engine"}
  },
  details: [
    "Examples:",
    "  trtexec --onnx=mobilenet_v1.onnx --fp16 --dumpProfile --separateProfileRun \\",
    "          --exportProfile=nano.json --profilingVerbosity=detailed --exportLayerInfo=nano-layers.json",
    "  inferscope import trtexec nano.json --layer-info nano-layers.json --model mobilenet_v1 --device jetson-nano --opt-level fp16",
    "",
    "Layer names are grouped into op types for `ops top` ('Conv2D + Relu6' layers become 'Conv2D+Relu6')."
  ].join("\n"),
  async run({values, positionals}) {
    const meta = importMeta("import trtexec", positionals, values);
    const parsed = await readTrtexecProfile(meta.source_file, meta, {layerInfo: values["layer-info"]});
    const result = await importOpProfile({kind: "import trtexec", format: "trtexec-profile", parsed, meta, config: {layer_info: values["layer-info"] ?? null}, redact: values.redact});
    printImport(result, parsed, meta, "trtexec-profile", values.json);
  }
});
