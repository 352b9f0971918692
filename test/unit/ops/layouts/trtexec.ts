// Writes trtexec exports as trtexec does (NVIDIA/TensorRT samples/common/sampleReporting.cpp,
// Profiler::exportJSONProfile: names not escaped, numbers in C++ stream defaults) and the engine
// inspector's layer information JSON (names-only and detailed).

import {g} from "./tflite.ts";

export interface TrtLayer {
  name: string;
  /** Summed time over all iterations, ms. */
  timeMs: number;
  medianMs?: number;
}

export function exportProfile(count: number, layers: TrtLayer[], {median = true}: {median?: boolean} = {}): string {
  const total = layers.reduce((a, l) => a + l.timeMs, 0);
  let s = `[\n  { "count" : ${count} }\n`;
  for (const l of layers) {
    s += `, { "name" : "${l.name}", "timeMs" : ${g(l.timeMs)}, "averageMs" : ${g(l.timeMs / count)}`;
    if (median) s += `, "medianMs" : ${g(l.medianMs ?? l.timeMs / count)}`;
    s += `, "percentage" : ${g((l.timeMs / total) * 100)} }\n`;
  }
  return `${s}]\n`;
}

export function layerInfoNames(names: string[], bindings: string[]): string {
  return `{"Layers": [${names.map((n) => JSON.stringify(n)).join("\n,")}\n],\n"Bindings": [${bindings.map((b) => JSON.stringify(b)).join("\n,")}\n]}\n`;
}

export interface TrtLayerDetail {
  Name: string;
  LayerType: string;
  Inputs: {Name: string; Location?: string; Dimensions: number[]; "Format/Datatype": string}[];
  Outputs: {Name: string; Location?: string; Dimensions: number[]; "Format/Datatype": string}[];
  [key: string]: unknown;
}

export function layerInfoDetailed(layers: TrtLayerDetail[], bindings: string[]): string {
  return `{"Layers": [${layers.map((l) => JSON.stringify(l, null, 2)).join("\n,")}\n],\n"Bindings": [${bindings.map((b) => JSON.stringify(b)).join("\n,")}\n]}\n`;
}

/** MobileNetV1 as TF-TRT names its fused layers (TensorFlow graph names), with times that follow the study. */
export function mobilenetLayers(): TrtLayer[] {
  const p = "MobilenetV1/MobilenetV1";
  const layers: TrtLayer[] = [{name: `${p}/Conv2d_0/Conv2D + ${p}/Conv2d_0/Relu6`, timeMs: 40}];
  for (let b = 1; b <= 13; b++) {
    const strided = [2, 4, 6, 12].includes(b);
    layers.push({
      name: strided
        ? `${p}/Conv2d_${b}_depthwise/Pad + ${p}/Conv2d_${b}_depthwise/depthwise + ${p}/Conv2d_${b}_depthwise/Relu6`
        : `${p}/Conv2d_${b}_depthwise/depthwise + ${p}/Conv2d_${b}_depthwise/Relu6`,
      timeMs: strided ? 14 : 11
    });
    layers.push({name: `${p}/Conv2d_${b}_pointwise/Conv2D + ${p}/Conv2d_${b}_pointwise/Relu6`, timeMs: 30});
  }
  layers.push({name: "MobilenetV1/Logits/AvgPool_1a/AvgPool", timeMs: 1});
  layers.push({name: "MobilenetV1/Logits/Conv2d_1c_1x1/Conv2D", timeMs: 2});
  layers.push({name: "MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd", timeMs: 3});
  layers.push({name: "MobilenetV1/Predictions/Softmax", timeMs: 0.5});
  return layers;
}
