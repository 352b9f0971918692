// InceptionV3 in the Keras layout (keras.applications.InceptionV3, 299x299, 1000 classes): convs without
// bias, each followed by BatchNormalization(scale=False) and ReLU; mixed0..mixed10 as in Keras.

import {GraphBuilder, type Padding} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

export function inceptionV3(): ModelSpec {
  const g = new GraphBuilder("inception_v3", [3, 299, 299]);
  let n = 0;
  // conv2d_bn: Conv2D(use_bias=False) + BatchNormalization(scale=False) + ReLU, named like Keras' auto names.
  const cbn = (x: string, filters: number, rows: number, cols: number, padding: Padding = "same", stride = 1): string => {
    const suffix = n === 0 ? "" : `_${n}`;
    n++;
    const y = g.conv(x, `conv2d${suffix}`, {filters, kernel: [rows, cols], stride, padding});
    return g.relu(g.bn(y, `batch_normalization${suffix}`, 1e-3, {scale: false}), `activation${suffix}`);
  };
  const avgSame = (x: string, name: string) => g.avgPool(x, name, 3, 1, "same");

  let x = cbn(g.input, 32, 3, 3, "valid", 2);
  x = cbn(x, 32, 3, 3, "valid");
  x = cbn(x, 64, 3, 3);
  x = g.maxPool(x, "max_pooling2d", 3, 2);
  x = cbn(x, 80, 1, 1, "valid");
  x = cbn(x, 192, 3, 3, "valid");
  x = g.maxPool(x, "max_pooling2d_1", 3, 2);

  // mixed0-2: 35x35
  [32, 64, 64].forEach((poolFilters, i) => {
    const b1 = cbn(x, 64, 1, 1);
    const b5 = cbn(cbn(x, 48, 1, 1), 64, 5, 5);
    const b3 = cbn(cbn(cbn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
    const bp = cbn(avgSame(x, `average_pooling2d${i ? `_${i}` : ""}`), poolFilters, 1, 1);
    x = g.concat([b1, b5, b3, bp], `mixed${i}`);
  });
  // mixed3: 17x17
  {
    const b3 = cbn(x, 384, 3, 3, "valid", 2);
    const bd = cbn(cbn(cbn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, "valid", 2);
    const bp = g.maxPool(x, "max_pooling2d_2", 3, 2);
    x = g.concat([b3, bd, bp], "mixed3");
  }
  // mixed4-7: 17x17 with factorised 7x7 convolutions
  [128, 160, 160, 192].forEach((c, i) => {
    const b1 = cbn(x, 192, 1, 1);
    const b7 = cbn(cbn(cbn(x, c, 1, 1), c, 1, 7), 192, 7, 1);
    const bd = cbn(cbn(cbn(cbn(cbn(x, c, 1, 1), c, 7, 1), c, 1, 7), c, 7, 1), 192, 1, 7);
    const bp = cbn(avgSame(x, `average_pooling2d_${i + 3}`), 192, 1, 1);
    x = g.concat([b1, b7, bd, bp], `mixed${i + 4}`);
  });
  // mixed8: 8x8
  {
    const b3 = cbn(cbn(x, 192, 1, 1), 320, 3, 3, "valid", 2);
    const b7 = cbn(cbn(cbn(cbn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1), 192, 3, 3, "valid", 2);
    const bp = g.maxPool(x, "max_pooling2d_3", 3, 2);
    x = g.concat([b3, b7, bp], "mixed8");
  }
  // mixed9-10: 8x8 with split 1x3 / 3x1 branches
  [0, 1].forEach((i) => {
    const b1 = cbn(x, 320, 1, 1);
    const b3 = cbn(x, 384, 1, 1);
    const b3cat = g.concat([cbn(b3, 384, 1, 3), cbn(b3, 384, 3, 1)], `mixed9_${i}`);
    const bd = cbn(cbn(x, 448, 1, 1), 384, 3, 3);
    const bdcat = g.concat([cbn(bd, 384, 1, 3), cbn(bd, 384, 3, 1)], `concatenate${i ? `_${i}` : ""}`);
    const bp = cbn(avgSame(x, `average_pooling2d_${i + 7}`), 192, 1, 1);
    x = g.concat([b1, b3cat, bdcat, bp], `mixed${9 + i}`);
  });
  x = g.flatten(g.globalAvgPool(x, "avg_pool"), "avg_pool_flatten");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "InceptionV3 (Keras layout, 299x299), deterministic pseudo-random weights");
}
