// The inputs calibration and agreement run on: a folder of images (decoded, resized, scaled to the
// model's input range) or generated images, deterministic from a seed. Generated calibration and
// held-out sets use disjoint seeds; from a folder, the held-out images are the files after the
// calibration ones. Every set says where it came from, for the results.

import {UserError} from "../common/errors.ts";
import {mulberry32} from "../common/random.ts";
import {DataType, valueInfoElemType, valueInfoShape, type ModelProto} from "../models/onnx.ts";
import {decodeFile, listImages, resizeToChw} from "./images.ts";

/** How 8-bit pixels become the model's input: the range they map to, then optional mean/std and channel order. */
export interface Preprocess {
  /** The float range pixel values 0..255 map to (lo + p / 255 * (hi - lo)). */
  range: [number, number];
  /** Per-channel normalization after the range, in the model's channel order: (v - mean) / std. One value or one per channel. */
  mean?: number[];
  std?: number[];
  /** The model takes its channels as B, G, R (Caffe-style weights); images are decoded as R, G, B. */
  bgr?: boolean;
}

export interface InputSpec extends Preprocess {
  name: string;
  /** Shape of one sample with batch 1, e.g. [1, 3, 224, 224]. */
  shape: number[];
  /** Image layout, from the shape when not given: channels second (ONNX, PyTorch) or last (tf2onnx exports of Keras). */
  layout?: Layout | null;
}

export type Layout = "nchw" | "nhwc";

/** NCHW when the second dimension is 1 or 3 channels, NHWC when the last is; null for other tensors. */
export function imageLayout(shape: readonly number[]): Layout | null {
  if (shape.length !== 4) return null;
  if (shape[1] === 1 || shape[1] === 3) return "nchw";
  if (shape[3] === 1 || shape[3] === 3) return "nhwc";
  return null;
}

/** Channels, height and width of an image input, whatever its layout. */
function imageDims(spec: InputSpec): {layout: Layout; c: number; h: number; w: number} | null {
  const layout = spec.layout === undefined ? imageLayout(spec.shape) : spec.layout;
  if (!layout) return null;
  const [, a, b, d] = spec.shape;
  return layout === "nchw" ? {layout, c: a, h: b, w: d} : {layout, c: d, h: a, w: b};
}

/** Plain words for the results, e.g. "NHWC, BGR, mean 103.9,116.8,123.7": empty for plain NCHW RGB. */
export function describePreprocess(spec: InputSpec): string {
  const dims = imageDims(spec);
  const parts = [dims?.layout === "nhwc" ? "NHWC" : "", spec.bgr ? "BGR" : "", spec.mean ? `mean ${spec.mean.join(",")}` : "", spec.std ? `std ${spec.std.join(",")}` : ""];
  return parts.filter(Boolean).join(", ");
}

/**
 * 8-bit pixels (channels first, R,G,B, values 0..255) as the model takes them: mapped to the range,
 * channels reordered, normalized per channel, laid out NCHW or NHWC. Tensors that are not images are
 * only mapped to the range.
 */
export function pixelsToInput(chw: Float32Array, spec: InputSpec): Float32Array {
  const [lo, hi] = spec.range;
  const dims = imageDims(spec);
  const out = new Float32Array(chw.length);
  if (!dims) {
    for (let i = 0; i < chw.length; i++) out[i] = lo + (chw[i] / 255) * (hi - lo);
    return out;
  }
  const {layout, c, h, w} = dims;
  const hw = h * w;
  for (let ch = 0; ch < c; ch++) {
    const src = spec.bgr && c === 3 ? 2 - ch : ch;
    const mean = spec.mean ? spec.mean[spec.mean.length === 1 ? 0 : ch] : 0;
    const std = spec.std ? spec.std[spec.std.length === 1 ? 0 : ch] : 1;
    for (let i = 0; i < hw; i++) {
      const v = (lo + (chw[src * hw + i] / 255) * (hi - lo) - mean) / std;
      out[layout === "nchw" ? ch * hw + i : i * c + ch] = v;
    }
  }
  return out;
}

/**
 * The float range uint8 pixels 0..255 stand for in a --uint8-input model: one scale and zero point for
 * the whole tensor, so per-channel mean/std cannot be folded in.
 */
export function uint8InputRange(spec: InputSpec): [number, number] {
  const same = (xs: number[] | undefined) => !xs || xs.every((x) => x === xs[0]);
  if (!same(spec.mean) || !same(spec.std)) {
    throw new UserError("--uint8-input folds one scale and zero point into the model's input, but --mean/--std differ per channel", {hint: "Drop --uint8-input (the model then takes normalized floats), or give one --mean and --std for all channels"});
  }
  const m = spec.mean?.[0] ?? 0;
  const sd = spec.std?.[0] ?? 1;
  return [(spec.range[0] - m) / sd, (spec.range[1] - m) / sd];
}

export interface SampleSet {
  samples: Float32Array[];
  /** 'generated' or 'images'. */
  kind: "generated" | "images";
  /** Plain words for the results: "16 generated images (seed 1000..1015)" or "8 images from DIR". */
  source: string;
}

const CALIBRATION_SEED = 1000;
const HELDOUT_SEED = 900_000;

/** The model's single float input with its per-sample shape (batch 1). */
export function inputSpec(model: ModelProto, pre: Preprocess | [number, number], file = "model"): InputSpec {
  const {range, mean, std, bgr} = Array.isArray(pre) ? {range: pre} : pre;
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !initializers.has(v.name));
  if (inputs.length !== 1) throw new UserError(`${file}: the model has ${inputs.length} inputs; quantization here handles models with one input`, {hint: "Export the model with a single image (or tensor) input"});
  const v = inputs[0];
  if (valueInfoElemType(v) !== DataType.FLOAT) throw new UserError(`${file}: input '${v.name}' is not float32`, {hint: "Static quantization calibrates a float32 model"});
  const dims = valueInfoShape(v) ?? [];
  const shape = dims.map((d, i) => (typeof d === "number" ? d : i === 0 ? 1 : NaN));
  if (shape.length === 0 || shape.some(Number.isNaN)) throw new UserError(`${file}: input '${v.name}' has unknown dimensions (${dims.join("x")})`, {hint: "Only the first (batch) dimension may be symbolic"});
  if (shape[0] !== 1) throw new UserError(`${file}: input '${v.name}' has a fixed batch of ${shape[0]}`, {hint: "Export the model with batch 1 or a symbolic batch dimension"});
  const spec: InputSpec = {name: v.name ?? "input", shape, range, layout: imageLayout(shape), ...(mean ? {mean} : {}), ...(std ? {std} : {}), ...(bgr ? {bgr} : {})};
  const image = imageDims(spec);
  for (const [flag, xs] of [["mean", mean], ["std", std]] as const) {
    if (!xs) continue;
    if (!image) throw new UserError(`--${flag}: input '${spec.name}' (${shape.join("x")}) is not an image with 1 or 3 channels, so there is nothing to normalize per channel`, {hint: `Drop --${flag}; give float32 tensors (.npy or .f32) already preprocessed`});
    if (xs.length !== 1 && xs.length !== image.c) throw new UserError(`--${flag} ${xs.join(",")}: ${xs.length} values, input '${spec.name}' has ${image.c} channel(s)`, {hint: `Give one value, or ${image.c} in the model's channel order`});
  }
  if (bgr && image?.c !== 3) throw new UserError(`--bgr: input '${spec.name}' (${shape.join("x")}) does not have 3 channels`, {hint: "Drop --bgr"});
  return spec;
}

/** Deterministic image-like inputs: smooth random gradients plus noise, as 8-bit pixels mapped to the input range. */
export function generatedImage(spec: InputSpec, seed: number): Float32Array {
  const random = mulberry32(seed);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const dims = imageDims(spec);
  const [c, h, w] = dims ? [dims.c, dims.h, dims.w] : spec.shape.length === 4 ? spec.shape.slice(1) : [1, 1, n];
  for (let ch = 0; ch < c; ch++) {
    // Three low-frequency waves per channel give each image its own layout and colours.
    const waves = Array.from({length: 3}, () => ({fx: random() * 6 / w, fy: random() * 6 / h, phase: random() * 6.283, amp: 30 + random() * 50}));
    const base = 60 + random() * 130;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = base + (random() - 0.5) * 40;
        for (const wv of waves) v += wv.amp * Math.sin(6.283 * (wv.fx * x + wv.fy * y) + wv.phase);
        const p = Math.max(0, Math.min(255, Math.round(v)));
        out[ch * h * w + y * w + x] = p;
      }
    }
  }
  return pixelsToInput(out, spec);
}

/** The first `n` samples of a set, described as such (the study calibrates on prefixes of one set). */
export function firstSamples(set: SampleSet, n: number): SampleSet {
  if (n >= set.samples.length) return set;
  const source = set.kind === "generated" ? set.source.replace(/^\d+ generated images \(seeds (\d+)\.\.\d+/, (_, first) => `${n} generated images (seeds ${first}..${Number(first) + n - 1}`) : set.source.replace(/^\d+ images/, `${n} images`);
  return {...set, samples: set.samples.slice(0, n), source};
}

export function generatedSet(spec: InputSpec, count: number, purpose: "calibration" | "heldout"): SampleSet {
  const first = purpose === "calibration" ? CALIBRATION_SEED : HELDOUT_SEED;
  return {
    samples: Array.from({length: count}, (_, i) => generatedImage(spec, first + i)),
    kind: "generated",
    source: `${count} generated images (seeds ${first}..${first + count - 1}; no real data)`
  };
}

/** One file as a model input: images are resized and scaled; float tensors must have the input's size. */
async function loadSample(file: string, spec: InputSpec): Promise<Float32Array> {
  const d = await decodeFile(file);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (d.kind === "tensor") {
    if (d.data.length !== n) throw new UserError(`${file}: a float tensor of ${d.data.length} values, the model's input '${spec.name}' takes ${n} (${spec.shape.join("x")})`, {hint: "Float tensors are used as they are: save them preprocessed, at the input's size"});
    return d.data;
  }
  const dims = imageDims(spec);
  if (!dims) throw new UserError(`${file}: an image, but the model's input '${spec.name}' (${spec.shape.join("x")}) is not an NCHW or NHWC image with 1 or 3 channels`, {hint: "Give float32 tensors (.npy or .f32) instead"});
  return pixelsToInput(resizeToChw(d, dims.c, dims.h, dims.w), spec);
}

/**
 * Calibration and held-out sets. With a folder, the first `calibration` files calibrate and the next
 * `heldout` are held out; when the folder has too few for both, the held-out set is generated (said so).
 */
export async function sampleSets(spec: InputSpec, o: {calibration: number; heldout: number; images?: string}): Promise<{calibration: SampleSet; heldout: SampleSet}> {
  if (!o.images) return {calibration: generatedSet(spec, o.calibration, "calibration"), heldout: generatedSet(spec, o.heldout, "heldout")};
  const files = listImages(o.images);
  if (files.length < o.calibration) throw new UserError(`--images ${o.images}: ${files.length} image file(s), --samples asks for ${o.calibration}`, {hint: `Lower --samples to ${files.length} or add images`});
  const calib = await Promise.all(files.slice(0, o.calibration).map((f) => loadSample(f, spec)));
  const rest = files.slice(o.calibration, o.calibration + o.heldout);
  const how = describePreprocess(spec);
  const calibration: SampleSet = {samples: calib, kind: "images", source: `${calib.length} images from ${o.images}${how ? ` (${how})` : ""}`};
  if (rest.length === 0) {
    const g = generatedSet(spec, o.heldout, "heldout");
    return {calibration, heldout: {...g, source: `${g.source}: the folder had no images left after calibration`}};
  }
  return {calibration, heldout: {samples: await Promise.all(rest.map((f) => loadSample(f, spec))), kind: "images", source: `${rest.length} images from ${o.images} not used for calibration${how ? ` (${how})` : ""}`}};
}
