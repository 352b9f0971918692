// The inputs calibration and agreement run on: a folder of images (decoded, resized, scaled to the
// model's input range) or generated images, deterministic from a seed. Generated calibration and
// held-out sets use disjoint seeds; from a folder, the held-out images are the files after the
// calibration ones. Every set says where it came from, for the results.

import {UserError} from "../common/errors.ts";
import {mulberry32} from "../common/random.ts";
import {DataType, valueInfoElemType, valueInfoShape, type ModelProto} from "../models/onnx.ts";
import {decodeFile, listImages, resizeToChw} from "./images.ts";

export interface InputSpec {
  name: string;
  /** Shape of one sample with batch 1, e.g. [1, 3, 224, 224]. */
  shape: number[];
  /** The float range pixel values 0..255 map to (lo + p / 255 * (hi - lo)). */
  range: [number, number];
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
export function inputSpec(model: ModelProto, range: [number, number], file = "model"): InputSpec {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !initializers.has(v.name));
  if (inputs.length !== 1) throw new UserError(`${file}: the model has ${inputs.length} inputs; quantization here handles models with one input`, {hint: "Export the model with a single image (or tensor) input"});
  const v = inputs[0];
  if (valueInfoElemType(v) !== DataType.FLOAT) throw new UserError(`${file}: input '${v.name}' is not float32`, {hint: "Static quantization calibrates a float32 model"});
  const dims = valueInfoShape(v) ?? [];
  const shape = dims.map((d, i) => (typeof d === "number" ? d : i === 0 ? 1 : NaN));
  if (shape.length === 0 || shape.some(Number.isNaN)) throw new UserError(`${file}: input '${v.name}' has unknown dimensions (${dims.join("x")})`, {hint: "Only the first (batch) dimension may be symbolic"});
  if (shape[0] !== 1) throw new UserError(`${file}: input '${v.name}' has a fixed batch of ${shape[0]}`, {hint: "Export the model with batch 1 or a symbolic batch dimension"});
  return {name: v.name ?? "input", shape, range};
}

/** Deterministic image-like inputs: smooth random gradients plus noise, as 8-bit pixels mapped to the input range. */
export function generatedImage(spec: InputSpec, seed: number): Float32Array {
  const random = mulberry32(seed);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const [lo, hi] = spec.range;
  const image = spec.shape.length === 4;
  const [c, h, w] = image ? spec.shape.slice(1) : [1, 1, n];
  for (let ch = 0; ch < c; ch++) {
    // Three low-frequency waves per channel give each image its own layout and colours.
    const waves = Array.from({length: 3}, () => ({fx: random() * 6 / w, fy: random() * 6 / h, phase: random() * 6.283, amp: 30 + random() * 50}));
    const base = 60 + random() * 130;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = base + (random() - 0.5) * 40;
        for (const wv of waves) v += wv.amp * Math.sin(6.283 * (wv.fx * x + wv.fy * y) + wv.phase);
        const p = Math.max(0, Math.min(255, Math.round(v)));
        out[ch * h * w + y * w + x] = lo + (p / 255) * (hi - lo);
      }
    }
  }
  return out;
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
  if (spec.shape.length !== 4 || (spec.shape[1] !== 1 && spec.shape[1] !== 3)) throw new UserError(`${file}: an image, but the model's input '${spec.name}' (${spec.shape.join("x")}) is not an NCHW image with 1 or 3 channels`, {hint: "Give float32 tensors (.npy or .f32) instead"});
  const [, c, h, w] = spec.shape;
  const pixels = resizeToChw(d, c, h, w);
  const [lo, hi] = spec.range;
  for (let i = 0; i < pixels.length; i++) pixels[i] = lo + (pixels[i] / 255) * (hi - lo);
  return pixels;
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
  const calibration: SampleSet = {samples: calib, kind: "images", source: `${calib.length} images from ${o.images}`};
  if (rest.length === 0) {
    const g = generatedSet(spec, o.heldout, "heldout");
    return {calibration, heldout: {...g, source: `${g.source}: the folder had no images left after calibration`}};
  }
  return {calibration, heldout: {samples: await Promise.all(rest.map((f) => loadSample(f, spec))), kind: "images", source: `${rest.length} images from ${o.images} not used for calibration`}};
}
