// Which trtexec export is this? --exportProfile writes a JSON array that starts with {"count" : N}
// (NVIDIA/TensorRT samples/common/sampleReporting.cpp, Profiler::exportJSONProfile); --exportLayerInfo
// writes the engine inspector's {"Layers": [...], "Bindings": [...]} (IEngineInspector::getEngineInformation).
// --exportTimes writes an array of per-query timings ({"startEnqMs" : ...}), which has no layers.

export type TrtexecKind = "profile" | "layer-info" | "times";

export function sniffTrtexec(head: string): TrtexecKind | null {
  const text = head.replace(/^\uFEFF/, "").trimStart().slice(0, 8192);
  if (text.startsWith("[")) {
    if (/"count"\s*:/.test(text) || /"timeMs"\s*:/.test(text)) return "profile";
    if (/"startEnqMs"\s*:|"latencyMs"\s*:/.test(text)) return "times";
    return null;
  }
  if (text.startsWith("{") && /"Layers"\s*:/.test(text)) return "layer-info";
  return null;
}
