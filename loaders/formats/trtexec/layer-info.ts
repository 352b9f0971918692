// trtexec --exportLayerInfo: the engine inspector's JSON (IEngineInspector::getEngineInformation(kJSON)).
// With --profilingVerbosity=detailed each layer is an object:
//   {"Name": "conv1 + relu1", "LayerType": "CaskConvolution",
//    "Inputs": [{"Name": "input", "Location": "Device", "Dimensions": [1,3,224,224], "Format/Datatype": "Row major linear FP32"}],
//    "Outputs": [...], "ParameterType": "Convolution", "Weights": {"Type": "Float", "Count": 864},
//    "Bias": {"Type": "Float", "Count": 32}, "Activation": "RELU", "TacticName": "...", "Metadata": "[ONNX Layer: /conv1/Conv]..."}
// With the default verbosity (layer_names_only) "Layers" is a list of names.
// The file is written by the TensorRT library (not trtexec's sources). Layout from the TensorRT developer
// guide's engine inspector examples and a names-only file exported by trtexec (farabimahmud/detr-logs-trtexec
// detr-layer-info.json); the detailed field set beyond the guide's example is not verified.

import {InputError} from "../../common/errors.ts";
import {jsonErrorLine} from "../../ops/json-error.ts";
import type {TensorShape} from "../../ops/profile-rows.ts";

export interface TrtLayerInfo {
  name: string;
  layerType: string | null;
  inputs: TensorShape[] | null;
  outputs: TensorShape[] | null;
  parameterBytes: number | null;
  activation: string | null;
}

const HINT = "Give the file written by trtexec --exportLayerInfo=<file> (best with --profilingVerbosity=detailed).";

// Bytes per element of the types TensorRT prints for weights.
const TYPE_BYTES: Record<string, number> = {float: 4, fp32: 4, half: 2, fp16: 2, bfloat16: 2, bf16: 2, int8: 1, uint8: 1, fp8: 1, int32: 4, int64: 8, bool: 1, int4: 0.5};

function tensors(v: unknown): TensorShape[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((t) => {
    const o = (t ?? {}) as Record<string, unknown>;
    const dims = o.Dimensions;
    return {
      dtype: typeof o["Format/Datatype"] === "string" ? (o["Format/Datatype"] as string) : null,
      shape: Array.isArray(dims) && dims.every((d) => typeof d === "number") ? (dims as number[]) : null
    };
  });
}

function parameterBytes(o: Record<string, unknown>): number | null {
  let total = 0;
  let any = false;
  for (const key of ["Weights", "Bias"]) {
    const w = o[key] as {Type?: unknown; Count?: unknown} | undefined;
    if (!w || typeof w !== "object") continue;
    const size = typeof w.Type === "string" ? TYPE_BYTES[w.Type.toLowerCase()] : undefined;
    if (size === undefined || typeof w.Count !== "number") return null;
    total += w.Count * size;
    any = true;
  }
  return any ? Math.ceil(total) : null;
}

export function parseTrtLayerInfo(text: string, file: string): Map<string, TrtLayerInfo> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const line = jsonErrorLine(text.replace(/^\uFEFF/, ""));
    throw new InputError(file, `layer info is not valid JSON (${(error as Error).message})`, {line, hint: HINT});
  }
  const layers = (parsed as {Layers?: unknown})?.Layers;
  if (!Array.isArray(layers)) throw new InputError(file, 'expected a JSON object with a "Layers" array (trtexec --exportLayerInfo)', {line: 1, hint: HINT});
  const out = new Map<string, TrtLayerInfo>();
  layers.forEach((l, i) => {
    if (typeof l === "string") {
      out.set(l, {name: l, layerType: null, inputs: null, outputs: null, parameterBytes: null, activation: null});
      return;
    }
    const o = (l ?? {}) as Record<string, unknown>;
    if (typeof o.Name !== "string") throw new InputError(file, `layer ${i} has no "Name" string; expected a layer name or {"Name": ..., "LayerType": ...}`, {hint: HINT});
    out.set(o.Name, {
      name: o.Name,
      layerType: typeof o.LayerType === "string" ? o.LayerType : null,
      inputs: tensors(o.Inputs),
      outputs: tensors(o.Outputs),
      parameterBytes: parameterBytes(o),
      activation: typeof o.Activation === "string" && o.Activation !== "" ? o.Activation : null
    });
  });
  return out;
}
