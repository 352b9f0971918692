// trtexec --exportProfile (and optionally --exportLayerInfo) -> op_profiles rows.
// Layouts from NVIDIA/TensorRT samples/common/sampleReporting.cpp (Profiler::exportJSONProfile, with
// and without medianMs) and the engine inspector's JSON; see tokenizer.ts and layer-info.ts.

import {InputError} from "../../common/errors.ts";
import {Diagnostics} from "../common/diagnostics.ts";
import {decodeText, readProfileFile, withMeta, type OpProfileMeta, type OpProfileParse} from "../../ops/profile-rows.ts";
import {parseTrtLayerInfo} from "./layer-info.ts";
import {parseTrtProfile} from "./parser.ts";
import {sniffTrtexec} from "./sniff.ts";
import {tokenizeTrtProfile} from "./tokenizer.ts";

export {sniffTrtexec} from "./sniff.ts";
export {trtOpType} from "./layer-names.ts";

export interface TrtexecInput {
  profile: string | Uint8Array;
  /** --exportLayerInfo contents and the name to show for it in messages. */
  layerInfo?: {data: string | Uint8Array; file: string};
}

export function parseTrtexecProfile({profile, layerInfo}: TrtexecInput, meta: OpProfileMeta): OpProfileParse {
  const file = meta.source_file;
  const text = decodeText(profile);
  const kind = sniffTrtexec(text);
  if (kind === "layer-info") {
    throw new InputError(file, "this is a layer information file (--exportLayerInfo), not a profile", {hint: "Import the --exportProfile file and pass this one with --layer-info."});
  }
  if (kind === "times") {
    throw new InputError(file, "this is a per-query timing file (--exportTimes), which has no layers", {hint: "Import the file written by --exportProfile (run trtexec with --dumpProfile --exportProfile=<file>)."});
  }
  const diagnostics = new Diagnostics();
  const tokens = tokenizeTrtProfile(text, file, diagnostics);
  if (tokens.layers.length === 0) throw new InputError(file, "the profile lists no layers", {hint: "Run trtexec with --dumpProfile (and --separateProfileRun) so that layer times are recorded."});
  const info = layerInfo ? parseTrtLayerInfo(decodeText(layerInfo.data), layerInfo.file) : undefined;
  const rows = parseTrtProfile(tokens, diagnostics, info);
  return {rows: withMeta(meta, rows), diagnostics, runs: tokens.count};
}

export async function readTrtexecProfile(path: string, meta: OpProfileMeta, {layerInfo}: {layerInfo?: string} = {}): Promise<OpProfileParse> {
  const profile = await readProfileFile(path, meta.source_file);
  const info = layerInfo ? {data: await readProfileFile(layerInfo), file: layerInfo} : undefined;
  return parseTrtexecProfile({profile, layerInfo: info}, meta);
}
