// VGG16 in the Keras layout (keras.applications.VGG16 = torchvision's vgg16 without its no-op
// adaptive pool): 13 3x3 convs with bias, 5 max pools, three dense layers. 138M parameters, ~553 MB.

import {GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

export function vgg16(): ModelSpec {
  const g = new GraphBuilder("vgg16", [3, 224, 224]);
  let x = g.input;
  const stages = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
  stages.forEach(([filters, convs], i) => {
    for (let j = 1; j <= convs; j++) {
      x = g.relu(g.conv(x, `block${i + 1}_conv${j}`, {filters, kernel: 3, padding: "same", bias: true}), `block${i + 1}_conv${j}_relu`);
    }
    x = g.maxPool(x, `block${i + 1}_pool`, 2, 2);
  });
  x = g.flatten(x, "flatten");
  x = g.relu(g.dense(x, "fc1", 4096), "fc1_relu");
  x = g.relu(g.dense(x, "fc2", 4096), "fc2_relu");
  x = g.softmax(g.dense(x, "predictions", 1000), "predictions_softmax");
  return g.finish(x, "VGG16 (Keras layout, 224x224), deterministic pseudo-random weights");
}
