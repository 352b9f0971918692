import {defineCommand} from "../command.ts";
import {readTfliteProfile} from "../../formats/tflite-profile/index.ts";
import {importMeta, importOpProfile, importOptions, printImport} from "../../ops/profile-import.ts";

export default defineCommand({
  usage: "<file> --model M --device D [--runtime tflite] [--opt-level L] [--json]",
  description:
    "Import a TFLite operator profile: the output of benchmark_model --enable_op_profiling=true (stdout, with or without 'INFO: ' prefixes, older releases with a [start] column included) or its CSV file. One op_profiles row per node, averaged over the benchmark runs; delegate-internal and subgraph ops are kept as nested rows.",
  options: importOptions("tflite"),
  details: [
    "Examples:",
    "  benchmark_model --graph=mobilenet_v1.tflite --enable_op_profiling=true > pixel4.txt",
    "  inferscope import tflite pixel4.txt --model mobilenet_v1 --device pixel4",
    "  inferscope import tflite profile.csv --model mobilenet_v1 --device rpi4 --runtime tflite-xnnpack",
    "",
    "Tables used per graph: Run Order; else Top by Computation Time; else Summary by node type. The",
    "initialization profile is skipped. A malformed file is reported with its line and nothing is stored."
  ].join("\n"),
  async run({values, positionals}) {
    const meta = importMeta("import tflite", positionals, values);
    const parsed = await readTfliteProfile(meta.source_file, meta);
    const result = await importOpProfile({kind: "import tflite", format: parsed.rows[0].format, parsed, meta, redact: values.redact});
    printImport(result, parsed, meta, parsed.rows[0].format, values.json);
  }
});
