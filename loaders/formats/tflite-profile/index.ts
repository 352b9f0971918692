// TFLite benchmark_model op profile (stdout of --enable_op_profiling=true, with or without "INFO: "
// prefixes, or the --profiling_output_csv_file / --op_profiling_output_mode=csv file) -> op_profiles rows.
//
// Layouts read from tensorflow/tensorflow: tensorflow/core/util/stats_calculator.cc (tables, both the
// older release with a [start] column and the newer without), tensorflow/lite/profiling/
// profile_summary_formatter.cc (sections, ProfileSummaryCSVFormatter), profile_summarizer.cc (what the
// node types and names are), tensorflow/lite/tools/logging.h (the "INFO: " prefix).

import {InputError} from "../../common/errors.ts";
import {Diagnostics} from "../common/diagnostics.ts";
import {decodeText, readProfileFile, withMeta, type OpProfileMeta, type OpProfileParse} from "../../ops/profile-rows.ts";
import {parseTfliteTokens} from "./parser.ts";
import {sniffTfliteProfile} from "./sniff.ts";
import {tokenizeTfliteProfile} from "./tokenizer.ts";

export {sniffTfliteProfile} from "./sniff.ts";

export function parseTfliteProfile(input: string | Uint8Array, meta: OpProfileMeta): OpProfileParse & {layout: "text" | "csv"} {
  const text = decodeText(input);
  const layout = sniffTfliteProfile(text);
  if (layout === null) {
    if (text.includes("\u0000") || /[\u0000-\u0008\u000e-\u001a]/.test(text.slice(0, 512))) {
      throw new InputError(meta.source_file, "binary data, expected the text or CSV op profile of TFLite benchmark_model", {
        hint: "The proto output (--op_profiling_output_mode=proto) is not supported: use the default stdout output or csv mode."
      });
    }
    throw new InputError(meta.source_file, "not a TFLite op profile: no '============================== Run Order ==============================' (or other profile table) banner found", {
      hint: "Run benchmark_model with --enable_op_profiling=true and save its whole stdout (or the CSV file from --profiling_output_csv_file)."
    });
  }
  const diagnostics = new Diagnostics();
  const format = layout === "csv" ? "tflite-profile-csv" : "tflite-profile";
  const rows = parseTfliteTokens(tokenizeTfliteProfile(text), meta.source_file, format, diagnostics);
  const runs = Math.max(0, ...rows.map((r) => r.runs_averaged ?? 0));
  return {rows: withMeta(meta, rows), diagnostics, runs, layout};
}

export async function readTfliteProfile(path: string, meta: OpProfileMeta) {
  return parseTfliteProfile(await readProfileFile(path, meta.source_file), meta);
}
