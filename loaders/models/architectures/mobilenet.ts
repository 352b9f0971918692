// MobileNetV1 and MobileNetV2 in the Keras layout (keras.applications, alpha 1.0, 224x224, 1000 classes):
// same layers, bias and padding choices and layer names, so parameter counts equal Keras' own.

import {correctPads, GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

export function mobilenetV1(): ModelSpec {
  const g = new GraphBuilder("mobilenet_v1", [3, 224, 224]);
  // conv_block: ZeroPadding2D(((0,1),(0,1))) then a stride-2 "valid" conv.
  let x = g.conv(g.input, "conv1", {filters: 32, kernel: 3, stride: 2, padding: [0, 0, 1, 1]});
  x = g.relu6(g.bn(x, "conv1_bn"), "conv1_relu");
  const blocks: [filters: number, stride: number][] = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]
  ];
  blocks.forEach(([filters, stride], i) => {
    const id = i + 1;
    x = g.depthwise(x, `conv_dw_${id}`, {kernel: 3, stride, padding: stride === 1 ? "same" : [0, 0, 1, 1]});
    x = g.relu6(g.bn(x, `conv_dw_${id}_bn`), `conv_dw_${id}_relu`);
    x = g.conv(x, `conv_pw_${id}`, {filters, kernel: 1, padding: "same"});
    x = g.relu6(g.bn(x, `conv_pw_${id}_bn`), `conv_pw_${id}_relu`);
  });
  // Keras' top: GlobalAveragePooling2D(keepdims) -> Dropout -> 1x1 Conv "conv_preds" (with bias) -> Reshape -> softmax.
  x = g.globalAvgPool(x, "global_average_pooling2d");
  x = g.conv(x, "conv_preds", {filters: 1000, kernel: 1, padding: "same", bias: true});
  x = g.flatten(x, "reshape_2");
  x = g.softmax(x, "predictions");
  return g.finish(x, "MobileNetV1 (Keras layout, alpha 1.0, 224x224), deterministic pseudo-random weights");
}

function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

export function mobilenetV2(): ModelSpec {
  const g = new GraphBuilder("mobilenet_v2", [3, 224, 224]);
  let x = g.conv(g.input, "Conv1", {filters: makeDivisible(32), kernel: 3, stride: 2, padding: "same"});
  x = g.relu6(g.bn(x, "bn_Conv1"), "Conv1_relu");
  const block = (input: string, filters: number, stride: number, expansion: number, id: number): string => {
    const inChannels = g.channels(input);
    const pointwise = makeDivisible(filters);
    const prefix = id ? `block_${id}_` : "expanded_conv_";
    let y = input;
    if (id) {
      y = g.conv(y, `${prefix}expand`, {filters: expansion * inChannels, kernel: 1, padding: "same"});
      y = g.relu6(g.bn(y, `${prefix}expand_BN`), `${prefix}expand_relu`);
    }
    const [h, w] = g.shape(y).slice(2);
    y = g.depthwise(y, `${prefix}depthwise`, {kernel: 3, stride, padding: stride === 2 ? correctPads([h, w], [3, 3]) : "same"});
    y = g.relu6(g.bn(y, `${prefix}depthwise_BN`), `${prefix}depthwise_relu`);
    y = g.conv(y, `${prefix}project`, {filters: pointwise, kernel: 1, padding: "same"});
    y = g.bn(y, `${prefix}project_BN`);
    return inChannels === pointwise && stride === 1 ? g.add(input, y, `${prefix}add`) : y;
  };
  const settings: [expansion: number, filters: number, repeats: number, stride: number][] = [
    [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]
  ];
  let id = 0;
  for (const [t, c, n, s] of settings) {
    for (let i = 0; i < n; i++) x = block(x, c, i === 0 ? s : 1, t, id++);
  }
  x = g.conv(x, "Conv_1", {filters: 1280, kernel: 1});
  x = g.relu6(g.bn(x, "Conv_1_bn"), "out_relu");
  x = g.flatten(g.globalAvgPool(x, "global_average_pooling2d"), "global_average_pooling2d_flatten");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "MobileNetV2 (Keras layout, alpha 1.0, 224x224), deterministic pseudo-random weights");
}
