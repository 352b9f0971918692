// The small zoo models run in a real ONNX Runtime session at several batch sizes, and ORT's tensor
// shapes agree with the counter's own shape inference for every node.
import assert from "node:assert/strict";
import {describe, it} from "node:test";
import * as ort from "onnxruntime-node";
import {encodeModel} from "../../../loaders/models/encode.ts";
import {countZooModel, ensureModel, modelSpec, ZOO} from "../../../loaders/models/zoo.ts";
import {tempDir} from "../../helpers/tmp.ts";

function input(name: string, batch: number): ort.Tensor {
  const shape = [batch, ...ZOO[name].inputShape];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s / 2 ** 32;
  }
  return new ort.Tensor("float32", data, shape);
}

describe("zoo models in ONNX Runtime", () => {
  for (const name of ["tiny_cnn", "squeezenet1_1", "mobilenet_v1"]) {
    it(`${name}: loads from the cache file and runs at batch 1, 2 and 3 with probabilities out`, async () => {
      const path = await ensureModel(name, {dir: await tempDir()});
      const session = await ort.InferenceSession.create(path, {graphOptimizationLevel: "all", intraOpNumThreads: 1});
      assert.deepEqual(session.inputNames, ["input"]);
      assert.deepEqual(session.outputNames, ["output"]);
      for (const batch of [1, 2, 3]) {
        const {output} = await session.run({input: input(name, batch)});
        assert.deepEqual(output.dims, [batch, ...ZOO[name].outputShape]);
        const v = output.data as Float32Array;
        assert.ok(v.every(Number.isFinite), "finite");
        const classes = ZOO[name].outputShape[0];
        for (let b = 0; b < batch; b++) {
          const sum = v.subarray(b * classes, (b + 1) * classes).reduce((a, x) => a + x, 0);
          assert.ok(Math.abs(sum - 1) < 1e-3, `softmax row sums to ${sum}`);
        }
      }
      await session.release();
    });
  }

  for (const name of ["tiny_cnn", "squeezenet1_1", "mobilenet_v1"]) {
    it(`${name}: every node's output shape in ORT equals the counter's inference at batch 2`, async () => {
      const spec = modelSpec(name);
      const nodes = spec.model.graph!.node!;
      const tensors = nodes.map((n) => n.output![0]).filter((t) => t !== "output");
      spec.model.graph!.output!.push(...tensors.map((t) => ({name: t, type: {tensorType: {elemType: 1}}})));
      const session = await ort.InferenceSession.create(encodeModel(spec), {graphOptimizationLevel: "disabled", intraOpNumThreads: 1});
      const outputs = await session.run({input: input(name, 2)});
      const inferred = countZooModel(name, {batch: 2, shapes: true}).tensor_shapes!;
      for (const t of [...tensors, "output"]) assert.deepEqual(inferred[t], [...outputs[t].dims], t);
      await session.release();
    });
  }
});
