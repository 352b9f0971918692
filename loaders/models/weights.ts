// Deterministic pseudo-random weights. Latency does not depend on weight values, but NaNs, denormals or
// exploding activations could change it, so values follow the usual initialisations (He-uniform convs,
// BatchNormalization near identity) and every model computes finite outputs.
// Each tensor has its own stream, seeded from the model and tensor names, so a tensor's values do not
// depend on build order and weights can be generated chunk by chunk while writing the file.

export type WeightInit = "he" | "bias" | "bn_scale" | "bn_bias" | "bn_mean" | "bn_var" | "small";

export interface WeightSpec {
  name: string;
  dims: number[];
  init: WeightInit;
  /** Inputs per output for "he" (C/group x kernel area). */
  fanIn: number;
}

/** FNV-1a, 32-bit: a stable seed from a string. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

/** Uniform values in [offset - scale, offset + scale) from a xorshift32 stream. */
export class WeightStream {
  private state: number;
  private readonly offset: number;
  private readonly scale: number;

  constructor(modelName: string, spec: WeightSpec) {
    this.state = hashSeed(`${modelName}/${spec.name}`);
    [this.offset, this.scale] = range(spec);
  }

  /** Fill `dst` with the next dst.length values of this tensor. */
  fill(dst: Float32Array): void {
    let x = this.state;
    const {offset, scale} = this;
    const k = (2 * scale) / 4294967296;
    const base = offset - scale;
    for (let i = 0; i < dst.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      dst[i] = base + (x >>> 0) * k;
    }
    this.state = x;
  }
}

function range(spec: WeightSpec): [offset: number, halfWidth: number] {
  switch (spec.init) {
    case "he": return [0, Math.sqrt(6 / Math.max(1, spec.fanIn))];
    case "bias": return [0, 0.01];
    case "bn_scale": return [1, 0.1];
    case "bn_bias": return [0, 0.05];
    case "bn_mean": return [0, 0.05];
    case "bn_var": return [1.25, 0.25];
    case "small": return [0, 0.1];
  }
}
