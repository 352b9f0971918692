// The pipeline's work for one image, shared by the main thread and the worker threads. Plain
// JavaScript importing only npm packages: worker threads cannot load .ts files under tsx.
//   1. "decode": synthesize a deterministic RGB image (HWC, uint8) for an image index;
//   2. preprocess: bilinear resize to the model's input and normalize (ImageNet mean/std) to NCHW float;
//   3. inference (one session per worker);
//   4. postprocess: softmax and top-5.

import * as ort from "onnxruntime-node";

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

// The same generator as loaders/common/random.ts, copied because this file cannot import .ts.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A width x height RGB image for image `index`: smooth gradients plus noise, different per index. */
export function makeImage(index, width, height) {
  const random = mulberry32(0x9e3779b9 ^ (index * 2654435761));
  const rgb = new Uint8Array(width * height * 3);
  const phase = random() * 6.283;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const noise = random() * 48;
      rgb[o] = (128 + 100 * Math.sin(phase + x / 17) + noise) & 255;
      rgb[o + 1] = ((255 * y) / height + noise) & 255;
      rgb[o + 2] = ((255 * (x + y)) / (width + height) + (index % 64)) & 255;
    }
  }
  return rgb;
}

/** Bilinear resize (align corners off, as most image libraries) and normalize into NCHW float32. */
export function preprocess(rgb, width, height, channels, outH, outW) {
  const out = new Float32Array(channels * outH * outW);
  const sx = width / outW;
  const sy = height / outH;
  const plane = outH * outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      const a = (y0 * width + x0) * 3;
      const b = (y0 * width + x1) * 3;
      const c = (y1 * width + x0) * 3;
      const d = (y1 * width + x1) * 3;
      for (let ch = 0; ch < channels; ch++) {
        const k = ch % 3;
        const top = rgb[a + k] + (rgb[b + k] - rgb[a + k]) * wx;
        const bottom = rgb[c + k] + (rgb[d + k] - rgb[c + k]) * wx;
        const v = (top + (bottom - top) * wy) / 255;
        out[ch * plane + y * outW + x] = (v - MEAN[k]) / STD[k];
      }
    }
  }
  return out;
}

/** Softmax over the scores and the k most likely classes, most likely first. */
export function postprocess(scores, k = 5) {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const p = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += p[i] = Math.exp(scores[i] - max);
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
  return order.slice(0, k).map((i) => ({cls: i, p: p[i] / sum}));
}

/** A batch-1 session on onnxruntime-node's CPU provider, and the model's input size. */
export async function openPipelineSession({modelFile, threads = 1, optLevel = "all", provider = "cpu"}) {
  const session = await ort.InferenceSession.create(modelFile, {
    graphOptimizationLevel: optLevel,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    executionProviders: [provider]
  });
  const meta = session.inputMetadata[0];
  const shape = (meta.shape ?? []).slice(1);
  if (shape.length !== 3 || !shape.every((d) => typeof d === "number" && d > 0)) {
    await session.release();
    throw new Error(`${modelFile}: input '${meta.name}' must be an image tensor [N, C, H, W] with fixed C, H, W; found [${(meta.shape ?? []).join(", ")}]`);
  }
  const [channels, height, width] = shape;
  const inputName = meta.name;
  const outputName = session.outputNames[0];
  return {
    channels,
    height,
    width,
    /** One inference; returns the first output's scores. */
    async run(data) {
      const result = await session.run({[inputName]: new ort.Tensor("float32", data, [1, channels, height, width])});
      return result[outputName].data;
    },
    release: () => session.release()
  };
}
