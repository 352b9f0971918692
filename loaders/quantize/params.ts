// Scale and zero point from a float range, as ONNX Runtime's quantizer computes them
// (quant_utils.compute_scale_zp): the range always includes 0 so that 0 is exact; symmetric ranges
// are centred on 0 with int8 in [-127, 127]; asymmetric activations are uint8 in [0, 255].

import type {Range} from "./calibrate.ts";

export type QType = "uint8" | "int8";

/** Round half to even, as numpy.round and QuantizeLinear do (Math.round rounds halves up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface QParams {
  scale: number;
  zeroPoint: number;
  type: QType;
}

export function activationParams([lo, hi]: Range, symmetric: boolean): QParams {
  const rmin = Math.min(lo, 0);
  const rmax = Math.max(hi, 0);
  if (symmetric) {
    const a = Math.max(Math.abs(rmin), Math.abs(rmax));
    return {scale: a > 0 ? Math.fround(a / 127) : 1, zeroPoint: 0, type: "int8"};
  }
  if (rmax === rmin) return {scale: 1, zeroPoint: 0, type: "uint8"};
  const scale = Math.fround((rmax - rmin) / 255);
  return {scale, zeroPoint: Math.max(0, Math.min(255, roundHalfEven(-rmin / scale))), type: "uint8"};
}

/** uint8 pixels 0..255 that stand for lo..hi: the DequantizeLinear folded in front of a --uint8-input model. */
export function pixelParams([lo, hi]: Range): QParams {
  const scale = Math.fround((hi - lo) / 255);
  return {scale, zeroPoint: Math.max(0, Math.min(255, roundHalfEven(-lo / scale))), type: "uint8"};
}

/** Per-channel symmetric int8 weights along `axis`: scale = max |w| / 127 per channel, zero point 0. */
export function quantizeWeights(values: Float32Array, dims: number[], axis: number): {q: Int8Array; scales: Float32Array} {
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const scales = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(values[i]);
    if (a > scales[c]) scales[c] = a;
  }
  for (let c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? Math.fround(scales[c] / 127) : 1;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    q[i] = Math.max(-127, Math.min(127, roundHalfEven(values[i] / scales[c])));
  }
  return {q, scales};
}

/** Bias as int32 at scale input_scale x weight_scale[c] (zero point 0), as ORT's quantize_bias_static. */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: Float32Array): {q: Int32Array; scales: Float32Array} {
  const scales = new Float32Array(values.length);
  const q = new Int32Array(values.length);
  for (let c = 0; c < values.length; c++) {
    const s = Math.fround(inputScale * weightScales[c]);
    scales[c] = s > 0 ? s : 1;
    q[c] = Math.max(-2147483647, Math.min(2147483647, roundHalfEven(values[c] / scales[c])));
  }
  return {q, scales};
}
