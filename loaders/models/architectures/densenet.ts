// DenseNet201 in the Keras layout (keras.applications.DenseNet201, 224x224, 1000 classes):
// dense blocks of 6, 12, 48 and 32 BN-ReLU-Conv layers, growth rate 32, transitions halving channels.

import {GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

const EPS = 1.001e-5;
const GROWTH = 32;

export function densenet201(): ModelSpec {
  const g = new GraphBuilder("densenet201", [3, 224, 224]);
  let x = g.conv(g.input, "conv1/conv", {filters: 64, kernel: 7, stride: 2, padding: [3, 3, 3, 3]});
  x = g.relu(g.bn(x, "conv1/bn", EPS), "conv1/relu");
  x = g.maxPool(x, "pool1", 3, 2, [1, 1, 1, 1]);

  const convBlock = (input: string, name: string): string => {
    let y = g.relu(g.bn(input, `${name}_0_bn`, EPS), `${name}_0_relu`);
    y = g.conv(y, `${name}_1_conv`, {filters: 4 * GROWTH, kernel: 1});
    y = g.relu(g.bn(y, `${name}_1_bn`, EPS), `${name}_1_relu`);
    y = g.conv(y, `${name}_2_conv`, {filters: GROWTH, kernel: 3, padding: "same"});
    return g.concat([input, y], `${name}_concat`);
  };
  const transition = (input: string, name: string): string => {
    let y = g.relu(g.bn(input, `${name}_bn`, EPS), `${name}_relu`);
    y = g.conv(y, `${name}_conv`, {filters: Math.floor(g.channels(input) * 0.5), kernel: 1});
    return g.avgPool(y, `${name}_pool`, 2, 2);
  };
  const blocks = [6, 12, 48, 32];
  blocks.forEach((n, i) => {
    for (let j = 1; j <= n; j++) x = convBlock(x, `conv${i + 2}_block${j}`);
    if (i < blocks.length - 1) x = transition(x, `pool${i + 2}`);
  });
  x = g.relu(g.bn(x, "bn", EPS), "relu");
  x = g.flatten(g.globalAvgPool(x, "avg_pool"), "avg_pool_flatten");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "DenseNet201 (Keras layout, 224x224), deterministic pseudo-random weights");
}
