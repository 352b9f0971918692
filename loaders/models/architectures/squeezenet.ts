// SqueezeNet 1.1 in the torchvision layout (Keras has none): Fire modules, ceil-mode max pools,
// a 1x1 conv classifier averaged over space.

import {GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

export function squeezenet11(): ModelSpec {
  const g = new GraphBuilder("squeezenet1_1", [3, 224, 224]);
  const convRelu = (x: string, name: string, filters: number, kernel: number, stride = 1) =>
    g.relu(g.conv(x, name, {filters, kernel, stride, padding: Array(4).fill(kernel === 3 && stride === 1 ? 1 : 0), bias: true}), `${name}_relu`);
  const fire = (x: string, name: string, squeeze: number, expand: number) => {
    const s = convRelu(x, `${name}.squeeze`, squeeze, 1);
    return g.concat([convRelu(s, `${name}.expand1x1`, expand, 1), convRelu(s, `${name}.expand3x3`, expand, 3)], `${name}.concat`);
  };
  let x = convRelu(g.input, "features.0", 64, 3, 2);
  x = g.maxPool(x, "features.2", 3, 2, [0, 0, 0, 0], true);
  x = fire(x, "features.3", 16, 64);
  x = fire(x, "features.4", 16, 64);
  x = g.maxPool(x, "features.5", 3, 2, [0, 0, 0, 0], true);
  x = fire(x, "features.6", 32, 128);
  x = fire(x, "features.7", 32, 128);
  x = g.maxPool(x, "features.8", 3, 2, [0, 0, 0, 0], true);
  x = fire(x, "features.9", 48, 192);
  x = fire(x, "features.10", 48, 192);
  x = fire(x, "features.11", 64, 256);
  x = fire(x, "features.12", 64, 256);
  x = convRelu(x, "classifier.1", 1000, 1);
  x = g.flatten(g.globalAvgPool(x, "classifier.3"), "flatten");
  x = g.softmax(x, "softmax");
  return g.finish(x, "SqueezeNet 1.1 (torchvision layout, 224x224), deterministic pseudo-random weights");
}
