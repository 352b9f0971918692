// ResNet50 in the Keras layout (keras.applications.ResNet50, "v1": stride on the first 1x1 conv, convs
// with bias followed by BatchNormalization) and ResNet18 in the torchvision layout (Keras has none).

import {GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

const KERAS_RESNET_EPS = 1.001e-5;

export function resnet50(): ModelSpec {
  const g = new GraphBuilder("resnet50", [3, 224, 224]);
  const convBn = (x: string, name: string, filters: number, kernel: number, stride = 1) =>
    g.bn(g.conv(x, `${name}_conv`, {filters, kernel, stride, padding: kernel > 1 ? "same" : "valid", bias: true}), `${name}_bn`, KERAS_RESNET_EPS);

  // ZeroPadding2D(3) + 7x7/2 conv; ZeroPadding2D(1) + 3x3/2 max pool.
  let x = g.conv(g.input, "conv1_conv", {filters: 64, kernel: 7, stride: 2, padding: [3, 3, 3, 3], bias: true});
  x = g.relu(g.bn(x, "conv1_bn", KERAS_RESNET_EPS), "conv1_relu");
  x = g.maxPool(x, "pool1_pool", 3, 2, [1, 1, 1, 1]);

  const block1 = (input: string, filters: number, stride: number, convShortcut: boolean, name: string): string => {
    const shortcut = convShortcut ? convBn(input, `${name}_0`, 4 * filters, 1, stride) : input;
    let y = g.relu(convBn(input, `${name}_1`, filters, 1, stride), `${name}_1_relu`);
    y = g.relu(convBn(y, `${name}_2`, filters, 3), `${name}_2_relu`);
    y = convBn(y, `${name}_3`, 4 * filters, 1);
    return g.relu(g.add(shortcut, y, `${name}_add`), `${name}_out`);
  };
  const stacks: [filters: number, blocks: number, stride: number, name: string][] = [
    [64, 3, 1, "conv2"], [128, 4, 2, "conv3"], [256, 6, 2, "conv4"], [512, 3, 2, "conv5"]
  ];
  for (const [filters, blocks, stride, name] of stacks) {
    x = block1(x, filters, stride, true, `${name}_block1`);
    for (let i = 2; i <= blocks; i++) x = block1(x, filters, 1, false, `${name}_block${i}`);
  }
  x = g.flatten(g.globalAvgPool(x, "avg_pool"), "avg_pool_flatten");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "ResNet50 (Keras layout, 224x224), deterministic pseudo-random weights");
}

export function resnet18(): ModelSpec {
  const g = new GraphBuilder("resnet18", [3, 224, 224]);
  const convBn = (x: string, name: string, bnName: string, filters: number, kernel: number, stride: number) =>
    g.bn(g.conv(x, name, {filters, kernel, stride, padding: Array(4).fill(Math.floor(kernel / 2))}), bnName, 1e-5);

  let x = g.relu(convBn(g.input, "conv1", "bn1", 64, 7, 2), "relu");
  x = g.maxPool(x, "maxpool", 3, 2, [1, 1, 1, 1]);
  const basic = (input: string, filters: number, stride: number, name: string): string => {
    let y = g.relu(convBn(input, `${name}.conv1`, `${name}.bn1`, filters, 3, stride), `${name}.relu1`);
    y = convBn(y, `${name}.conv2`, `${name}.bn2`, filters, 3, 1);
    const identity = stride !== 1 || g.channels(input) !== filters ? convBn(input, `${name}.downsample.0`, `${name}.downsample.1`, filters, 1, stride) : input;
    return g.relu(g.add(y, identity, `${name}.add`), `${name}.relu2`);
  };
  [64, 128, 256, 512].forEach((filters, i) => {
    x = basic(x, filters, i === 0 ? 1 : 2, `layer${i + 1}.0`);
    x = basic(x, filters, 1, `layer${i + 1}.1`);
  });
  x = g.flatten(g.globalAvgPool(x, "avgpool"), "flatten");
  x = g.softmax(g.dense(x, "fc", 1000), "softmax");
  return g.finish(x, "ResNet18 (torchvision layout, 224x224), deterministic pseudo-random weights");
}
