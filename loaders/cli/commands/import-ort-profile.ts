import {defineCommand} from "../command.ts";
import {ORT_PROFILE_FORMAT, ortNodeInfo, readOrtProfile} from "../../formats/ort-profile/index.ts";
import {importMeta, importOpProfile, importOptions, printImport} from "../../ops/profile-import.ts";
import {readProfileFile} from "../../ops/profile-rows.ts";

export default defineCommand({
  usage: "<profile.json> --model M --device D [--optimized-model FILE] [--runtime onnxruntime] [--opt-level L] [--json]",
  description:
    "Import an ONNX Runtime profile (the JSON written by a session with profiling enabled), e.g. taken on a Jetson. One op_profiles row per node per model_run; with GPU providers (CUDA, ROCm) a node's time is the sum of its GPU kernels, which are kept as nested rows.",
  options: {
    ...importOptions("onnxruntime"),
    "optimized-model": {type: "string", arg: "FILE", description: "the optimized graph ORT saved for the same session (optimized_model_filepath): adds fused domains and activations"}
  },
  details: [
    "Examples:",
    "  # Python on the device: so = ort.SessionOptions(); so.enable_profiling = True; ... sess.end_profiling()",
    "  inferscope import ort-profile onnxruntime_profile__2024-05-01.json --model mobilenet_v1 --device jetson-orin --opt-level all",
    "  inferscope import ort-profile prof.json --optimized-model mobilenet_v1.opt.onnx --model mobilenet_v1 --device orin --opt-level extended",
    "",
    "Every run in the file is kept (run_index); the first is usually a warm-up: `ops top --skip-runs 1` leaves it out."
  ].join("\n"),
  async run({values, positionals}) {
    const meta = importMeta("import ort-profile", positionals, values);
    const optimized = values["optimized-model"];
    const nodes = optimized ? ortNodeInfo(await readProfileFile(optimized), optimized) : undefined;
    const parsed = await readOrtProfile(meta.source_file, meta, {nodes});
    if (nodes && !parsed.rows.some((r) => nodes.has(r.node_name))) {
      parsed.diagnostics.add("optimized_model_mismatch", "warning", `no profiled node is in ${optimized}: was it saved by the same session?`);
    }
    const result = await importOpProfile({kind: "import ort-profile", format: ORT_PROFILE_FORMAT, parsed, meta, config: {optimized_model: optimized ?? null}, redact: values.redact});
    printImport(result, parsed, meta, ORT_PROFILE_FORMAT, values.json);
  }
});
