// ONNX Runtime profile -> op_profiles rows. Used by `inferscope import ort-profile` for files made
// elsewhere (a Jetson, a GPU server) and by the local ORT collector for profiles it just wrote.
//
//   const {rows, diagnostics, runs} = await readOrtProfile("prof_2024-01-01.json", {model, runtime: "onnxruntime",
//     device, opt_level: "all", source: "local", source_file: "prof_2024-01-01.json"}, {nodes});
//
// Layout read from microsoft/onnxruntime onnxruntime/core/common/profiler.cc (writer) and
// core/common/gpu_profiler_common.h + core/providers/cuda/cupti_manager.cc (GPU kernel events);
// checked against profiles written by onnxruntime-node 1.30 (see test/unit/ops/ort-profile.test.ts).

import {InputError} from "../../common/errors.ts";
import {Diagnostics} from "../common/diagnostics.ts";
import {decodeText, readProfileFile, withMeta, type OpProfileMeta, type OpProfileParse} from "../../ops/profile-rows.ts";
import {parseOrtEvents, type OrtParseOptions} from "./parser.ts";
import {tokenizeOrtProfile} from "./tokenizer.ts";

export {sniffOrtProfile} from "./sniff.ts";
export {ortNodeInfo} from "./optimized-graph.ts";
export type {OrtNodeInfo, OrtParseOptions} from "./parser.ts";
export type {OpProfileParse} from "../../ops/profile-rows.ts";

export const ORT_PROFILE_FORMAT = "ort-profile";

/** Parse profile text or bytes. Throws InputError (naming meta.source_file and the line) on a malformed file. */
export function parseOrtProfile(input: string | Uint8Array, meta: OpProfileMeta, options: OrtParseOptions = {}): OpProfileParse {
  const text = decodeText(input);
  const diagnostics = new Diagnostics();
  const events = tokenizeOrtProfile(text, meta.source_file, diagnostics);
  const {rows, runs} = parseOrtEvents(events, diagnostics, options);
  if (!rows.some((r) => r.scope === "node")) {
    throw new InputError(meta.source_file, `no node events found (${events.length} events, none named '<node>_kernel_time' inside a run)`, {
      hint: "Profile at least one inference run: create the session with profiling enabled, call run(), then end profiling."
    });
  }
  return {rows: withMeta(meta, rows), diagnostics, runs};
}

/** Read a profile from a path (or take its bytes) and parse it. */
export async function readOrtProfile(pathOrBytes: string | Uint8Array, meta: OpProfileMeta, options: OrtParseOptions = {}): Promise<OpProfileParse> {
  const input = typeof pathOrBytes === "string" ? await readProfileFile(pathOrBytes, meta.source_file) : pathOrBytes;
  return parseOrtProfile(input, meta, options);
}
