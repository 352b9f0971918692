// EfficientNetB0 in the Keras layout (keras.applications.EfficientNetB0, 224x224, 1000 classes), including
// its built-in input scaling (Rescaling 1/255, Normalization by ImageNet mean and variance).

import {correctPads, GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

interface BlockArgs {
  kernel: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  stride: number;
}

const B0_BLOCKS: BlockArgs[] = [
  {kernel: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, stride: 1},
  {kernel: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, stride: 2},
  {kernel: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, stride: 2},
  {kernel: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, stride: 2},
  {kernel: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, stride: 1},
  {kernel: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, stride: 2},
  {kernel: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, stride: 1}
];
const SE_RATIO = 0.25;
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export function efficientnetB0(): ModelSpec {
  const g = new GraphBuilder("efficientnet_b0", [3, 224, 224]);
  // Rescaling(1/255) and Normalization(mean, variance) are part of the Keras model.
  let x = g.mul(g.input, g.constant("rescaling.scale", [], [1 / 255]), "rescaling");
  x = g.node("Sub", [x, g.constant("normalization.mean", [1, 3, 1, 1], IMAGENET_MEAN)], "normalization_sub");
  x = g.node("Div", [x, g.constant("normalization.std", [1, 3, 1, 1], IMAGENET_STD)], "normalization");
  x = g.conv(x, "stem_conv", {filters: 32, kernel: 3, stride: 2, padding: correctPads(g.shape(x).slice(2), [3, 3])});
  x = g.swish(g.bn(x, "stem_bn"), "stem_activation");

  const block = (input: string, name: string, a: BlockArgs): string => {
    const filters = a.filtersIn * a.expandRatio;
    let y = input;
    if (a.expandRatio !== 1) {
      y = g.conv(y, `${name}expand_conv`, {filters, kernel: 1, padding: "same"});
      y = g.swish(g.bn(y, `${name}expand_bn`), `${name}expand_activation`);
    }
    const pads = a.stride === 2 ? correctPads(g.shape(y).slice(2), [a.kernel, a.kernel]) : "same";
    y = g.depthwise(y, `${name}dwconv`, {kernel: a.kernel, stride: a.stride, padding: pads});
    y = g.swish(g.bn(y, `${name}bn`), `${name}activation`);
    // Squeeze-and-excitation: 1x1 convs with bias on the pooled features, sigmoid gate.
    const filtersSe = Math.max(1, Math.floor(a.filtersIn * SE_RATIO));
    let se = g.globalAvgPool(y, `${name}se_squeeze`);
    se = g.swish(g.conv(se, `${name}se_reduce`, {filters: filtersSe, kernel: 1, padding: "same", bias: true}), `${name}se_reduce_swish`);
    se = g.sigmoid(g.conv(se, `${name}se_expand`, {filters, kernel: 1, padding: "same", bias: true}), `${name}se_expand_sigmoid`);
    y = g.mul(y, se, `${name}se_excite`);
    y = g.bn(g.conv(y, `${name}project_conv`, {filters: a.filtersOut, kernel: 1, padding: "same"}), `${name}project_bn`);
    return a.stride === 1 && a.filtersIn === a.filtersOut ? g.add(y, input, `${name}add`) : y;
  };

  B0_BLOCKS.forEach((args, i) => {
    for (let j = 0; j < args.repeats; j++) {
      const a = j === 0 ? args : {...args, stride: 1, filtersIn: args.filtersOut};
      x = block(x, `block${i + 1}${String.fromCharCode(97 + j)}_`, a);
    }
  });
  x = g.conv(x, "top_conv", {filters: 1280, kernel: 1, padding: "same"});
  x = g.swish(g.bn(x, "top_bn"), "top_activation");
  x = g.flatten(g.globalAvgPool(x, "avg_pool"), "avg_pool_flatten");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "EfficientNetB0 (Keras layout, 224x224), deterministic pseudo-random weights");
}
