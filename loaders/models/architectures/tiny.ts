// tiny_cnn: three Conv+BN+ReLU layers, global pooling and a Gemm on 3x32x32 input. Not a published
// network: a model that builds and runs in milliseconds for tests of other modules.

import {GraphBuilder} from "../builder.ts";
import type {ModelSpec} from "../encode.ts";

export function tinyCnn(): ModelSpec {
  const g = new GraphBuilder("tiny_cnn", [3, 32, 32]);
  let x = g.input;
  [[8, 1], [16, 2], [32, 2]].forEach(([filters, stride], i) => {
    x = g.conv(x, `conv${i + 1}`, {filters, kernel: 3, stride, padding: "same"});
    x = g.relu(g.bn(x, `bn${i + 1}`), `relu${i + 1}`);
  });
  x = g.flatten(g.globalAvgPool(x, "pool"), "flatten");
  x = g.softmax(g.dense(x, "fc", 10), "softmax");
  return g.finish(x, "tiny_cnn: 3 Conv+BN+ReLU layers and a Gemm on 3x32x32 input (for tests)");
}
