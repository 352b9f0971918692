import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {parseTrtexecProfile, readTrtexecProfile, trtOpType} from "../../../loaders/formats/trtexec/index.ts";
import type {OpProfileMeta} from "../../../loaders/ops/profile-rows.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {exportProfile, layerInfoDetailed, layerInfoNames, mobilenetLayers, type TrtLayer} from "./layouts/trtexec.ts";
import {capture} from "./layouts/errors.ts";

const meta = (file: string): OpProfileMeta => ({model: "mobilenet_v1", runtime: "tensorrt", device: "jetson-nano", opt_level: "fp16", source: "imported", source_file: file});

describe("trtexec --exportProfile", () => {
  it("reads the newer layout (medianMs) into one row per layer, averaged over 'count' iterations", () => {
    const layers = mobilenetLayers();
    const parsed = parseTrtexecProfile({profile: exportProfile(200, layers)}, meta("nano.json"));
    assert.equal(parsed.rows.length, layers.length);
    assert.equal(parsed.runs, 200);
    const total = layers.reduce((a, l) => a + l.timeMs, 0);
    parsed.rows.forEach((r, i) => {
      assert.equal(r.node_name, layers[i].name);
      assert.equal(r.node_index, i);
      assert.equal(r.scope, "node");
      assert.equal(r.executions, 1);
      assert.equal(r.runs_averaged, 200);
      assert.equal(r.kernel, layers[i].name, "without layer info the kernel is the fused layer as TensorRT names it");
      assert.ok(Math.abs(r.duration_us - (layers[i].timeMs / 200) * 1000) < 1e-3 * r.duration_us + 1e-9);
      assert.ok(Math.abs((r.median_us ?? NaN) - (layers[i].timeMs / 200) * 1000) < 1e-3 * r.duration_us + 1e-9);
      assert.ok(Math.abs((r.share_pct ?? NaN) - (layers[i].timeMs / total) * 100) < 1e-4);
      assert.equal(r.opt_level, "fp16");
    });
    assert.deepEqual(new Set(parsed.rows.map((r) => r.op_type)), new Set(["Conv2D+Relu6", "Pad+depthwise+Relu6", "depthwise+Relu6", "AvgPool", "Conv2D", "BiasAdd", "Softmax"]));
    assert.equal(parsed.rows[0].fused_activation, "Relu6");
    assert.equal(parsed.rows.at(-2)!.fused_activation, null);
  });

  it("reads the older layout without medianMs", () => {
    const layers = mobilenetLayers().slice(0, 5);
    const text = exportProfile(10, layers, {median: false});
    assert.doesNotMatch(text, /medianMs/);
    const parsed = parseTrtexecProfile({profile: text}, meta("old.json"));
    assert.equal(parsed.rows.length, 5);
    assert.ok(parsed.rows.every((r) => r.median_us === null));
    assert.ok(Math.abs(parsed.rows[1].duration_us - (layers[1].timeMs / 10) * 1000) < 1e-6);
  });

  it("parses layer names that trtexec did not JSON-escape, and nan numbers", () => {
    const layers: TrtLayer[] = [
      {name: 'Reformatting CopyNode for Input Tensor 0 to conv"1" + relu', timeMs: 1},
      {name: "conv\\1 + relu\\1", timeMs: 3},
      {name: 'weird ", "timeMs" : 9 name', timeMs: 2}
    ];
    const text = exportProfile(4, layers).replace(/"percentage" : [^ ]+ \}\n\]/, '"percentage" : -nan }\n]');
    assert.throws(() => JSON.parse(text), "the file is not strict JSON");
    const parsed = parseTrtexecProfile({profile: text}, meta("raw.json"));
    assert.deepEqual(parsed.rows.map((r) => r.node_name), layers.map((l) => l.name));
    assert.equal(parsed.rows[0].op_type, "Reformat");
    assert.equal(parsed.rows[2].share_pct, null);
    assert.equal(parsed.rows[2].duration_us, 500);
  });

  it("keeps zero-time layers with executions 0", () => {
    const parsed = parseTrtexecProfile({profile: exportProfile(641, [{name: "/Constant_5_output_0", timeMs: 0}, {name: "/conv/Conv + /relu/Relu", timeMs: 10}])}, meta("z.json"));
    assert.deepEqual(parsed.rows.map((r) => [r.op_type, r.executions]), [["Constant", 0], ["Conv+Relu", 1]]);
    assert.equal(parsed.diagnostics.count("idle_layers"), 1);
  });

  it("joins --exportLayerInfo: detailed gives layer types, shapes, weight bytes and activation", () => {
    const layers: TrtLayer[] = [{name: "/conv1/Conv + /relu1/Relu", timeMs: 20}, {name: "/fc/Gemm", timeMs: 5}];
    const info = layerInfoDetailed(
      [
        {
          Name: layers[0].name,
          LayerType: "CaskConvolution",
          Inputs: [{Name: "input", Location: "Device", Dimensions: [1, 3, 224, 224], "Format/Datatype": "Row major linear FP32"}],
          Outputs: [{Name: "/relu1/Relu_output_0", Location: "Device", Dimensions: [1, 32, 112, 112], "Format/Datatype": "Channel major FP16 format where channel % 8 == 0"}],
          ParameterType: "Convolution",
          Kernel: [3, 3],
          Weights: {Type: "Half", Count: 864},
          Bias: {Type: "Float", Count: 32},
          Activation: "RELU",
          HasReLU: 1,
          TacticName: "sm80_xmma_fprop_implicit_gemm_f16f16_f16f16_f16_nhwckrsc_nhwc_tilesize64x32x64_stage5",
          Metadata: "[ONNX Layer: /conv1/Conv]\u001e[ONNX Layer: /relu1/Relu]"
        },
        {Name: layers[1].name, LayerType: "CaskGemmMatrixMultiply", Inputs: [{Name: "x", Dimensions: [1, 1024], "Format/Datatype": "Row major linear FP16 format"}], Outputs: [{Name: "y", Dimensions: [1, 1000], "Format/Datatype": "Row major linear FP16 format"}]}
      ],
      ["input", "output"]
    );
    const parsed = parseTrtexecProfile({profile: exportProfile(50, layers), layerInfo: {data: info, file: "layers.json"}}, meta("p.json"));
    const [conv, fc] = parsed.rows;
    assert.equal(conv.kernel, "CaskConvolution");
    assert.equal(conv.op_type, "Conv+Relu");
    assert.equal(conv.fused_activation, "RELU");
    assert.equal(conv.parameter_bytes, 864 * 2 + 32 * 4);
    assert.deepEqual(JSON.parse(conv.input_shapes!), [{dtype: "Row major linear FP32", shape: [1, 3, 224, 224]}]);
    assert.deepEqual(JSON.parse(conv.output_shapes!)[0].shape, [1, 32, 112, 112]);
    assert.equal(fc.kernel, "CaskGemmMatrixMultiply");
    assert.equal(fc.parameter_bytes, null);
  });

  it("joins a names-only layer info and reports profiled layers it does not list", () => {
    const layers: TrtLayer[] = [{name: "a + b", timeMs: 1}, {name: "c", timeMs: 1}];
    const parsed = parseTrtexecProfile({profile: exportProfile(3, layers), layerInfo: {data: layerInfoNames(["a + b"], ["in", "out"]), file: "names.json"}}, meta("p.json"));
    assert.equal(parsed.rows[0].kernel, "a + b");
    assert.equal(parsed.diagnostics.count("layer_not_in_layer_info"), 1);
  });

  it("reads a re-saved (pretty-printed, escaped) profile as ordinary JSON", () => {
    const layers = mobilenetLayers().slice(0, 3);
    const strict = JSON.stringify(JSON.parse(exportProfile(7, layers)), null, 2);
    const parsed = parseTrtexecProfile({profile: strict}, meta("pretty.json"));
    assert.deepEqual(parsed.rows.map((r) => r.node_name), layers.map((l) => l.name));
    assert.equal(parsed.runs, 7);
  });

  it("accepts a profile cut short after a complete line, skipping a partial last line", () => {
    const text = exportProfile(5, mobilenetLayers().slice(0, 6));
    const noBracket = text.replace(/\]\n$/, "");
    const a = parseTrtexecProfile({profile: noBracket}, meta("a.json"));
    assert.equal(a.rows.length, 6);
    assert.equal(a.diagnostics.count("missing_closing_bracket"), 1);
    const partial = noBracket.slice(0, noBracket.lastIndexOf('"averageMs"'));
    const b = parseTrtexecProfile({profile: partial}, meta("b.json"));
    assert.equal(b.rows.length, 5);
    assert.equal(b.diagnostics.count("truncated_layer"), 1);
  });

  describe("malformed files fail with the file, the line and what was expected", () => {
    const good = exportProfile(5, mobilenetLayers().slice(0, 6));
    it("a layer line in the middle that is not a layer entry", () => {
      const lines = good.split("\n");
      lines[4] = lines[4].replace('"timeMs"', '"time"');
      const err = capture(() => parseTrtexecProfile({profile: lines.join("\n")}, meta("bad.json")));
      assert.equal(err.line, 5);
      assert.match(err.message, /^bad\.json:5: expected a layer entry ', \{ "name" : "\.\.\.", "timeMs"/);
    });
    it("no count entry, not JSON either", () => {
      const err = capture(() => parseTrtexecProfile({profile: good.replace(/ *\{ "count" : 5 \}\n/, "")}, meta("nocount.json")));
      assert.match(err.message, /not a trtexec profile: expected '\[' then '\{ "count" : N \}'/);
    });
    it("a layer info file or an --exportTimes file given as the profile", () => {
      assert.match(capture(() => parseTrtexecProfile({profile: layerInfoNames(["a"], ["x"])}, meta("li.json"))).message, /layer information file/);
      assert.match(capture(() => parseTrtexecProfile({profile: '[\n  { "startEnqMs" : 1.2, "endEnqMs" : 1.3 }\n]\n'}, meta("t.json"))).message, /per-query timing file/);
    });
    it("a broken layer info file names its own line", () => {
      const err = capture(() => parseTrtexecProfile({profile: good, layerInfo: {data: '{"Layers": [\n"a",\n"b"\n,,]}', file: "li.json"}}, meta("p.json")));
      assert.equal(err.file, "li.json");
      assert.equal(err.line, 4);
    });
    it("a profile with no layers; a missing file", async () => {
      assert.match(capture(() => parseTrtexecProfile({profile: '[\n  { "count" : 3 }\n]\n'}, meta("empty.json"))).message, /lists no layers/);
      const dir = await tempDir();
      await assert.rejects(readTrtexecProfile(join(dir, "x.json"), meta("x.json")), /x\.json: no such file/);
    });
  });

  it("reads profile and layer info from disk", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "p.json"), exportProfile(9, [{name: "a + b", timeMs: 1}]));
    await writeFile(join(dir, "l.json"), layerInfoNames(["a + b"], ["x"]));
    const parsed = await readTrtexecProfile(join(dir, "p.json"), meta("p.json"), {layerInfo: join(dir, "l.json")});
    assert.equal(parsed.rows[0].op_type, "a+b");
  });
});

describe("TensorRT layer names reduced to op types", () => {
  const cases: [string, string][] = [
    ["MobilenetV1/MobilenetV1/Conv2d_0/Conv2D + MobilenetV1/MobilenetV1/Conv2d_0/Relu6", "Conv2D+Relu6"],
    ["MobilenetV1/MobilenetV1/Conv2d_2_depthwise/Pad + MobilenetV1/MobilenetV1/Conv2d_2_depthwise/depthwise + MobilenetV1/MobilenetV1/Conv2d_2_depthwise/Relu6", "Pad+depthwise+Relu6"],
    ["MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd", "BiasAdd"],
    ["/model/conv1/Conv + onnx::Mul_4104 + /model/bn1/Mul + onnx::Add_4106 + /model/bn1/Add + /model/act1/Relu", "Conv+Mul+Add+Relu"],
    ["Conv_0 + Relu_1", "Conv+Relu"],
    ["PWN(PWN(/Sub), PWN(/Div))", "Sub+Div"],
    ["Reformatting CopyNode for Input Tensor 0 to PWN(PWN(/Sub), PWN(/Div))", "Reformat"],
    ["conv1/7x7_s2 + conv1/relu_7x7 input reformatter 0", "Reformat"],
    ["(Unnamed Layer* 12) [Convolution] + (Unnamed Layer* 13) [Activation]", "Convolution+Activation"],
    ["{ForeignNode[/Transpose.../Gather_3]}", "ForeignNode"],
    ["/Unsqueeze_output_0 copy", "Copy"],
    ["/model/model/Transpose_1_output_0_clone_3", "Transpose"]
  ];
  for (const [name, op] of cases) it(`${name.slice(0, 60)} -> ${op}`, () => assert.equal(trtOpType(name), op));
});
