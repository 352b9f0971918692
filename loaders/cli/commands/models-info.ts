import {existsSync, readFileSync, statSync} from "node:fs";
import {InputError, UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {formatModelInfo} from "../../models/format.ts";
import {analyzeModel, infoJson} from "../../models/info.ts";

export default defineCommand({
  usage: "<file.onnx> [--json] [--batch N]",
  description:
    "Count an ONNX model's parameters, MACs and FLOPs (2 x MACs plus bias, pooling and element-wise ops, as keras-flops counts) per op type, from its own shape inference. Works on any ONNX file; ops it cannot count are listed.",
  options: {
    json: {type: "boolean", description: "print JSON with the keys params, flops, macs, by_op_type, uncounted_ops"},
    batch: {type: "string", arg: "N", default: "1", description: "batch size for the symbolic batch dimension"}
  },
  details: "Examples:\n  inferscope models info data/models/resnet50.onnx\n  inferscope models info my-model.onnx --json --batch 8",
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new UserError("models info: give exactly one ONNX file", {hint: "Usage: inferscope models info <file.onnx> [--json]"});
    const file = positionals[0];
    const batch = Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1) throw new UserError(`models info: --batch must be a positive integer, got '${values.batch}'`);
    if (!existsSync(file)) throw new InputError(file, "no such file", {hint: "Build a zoo model with `inferscope models build <name>` or give the path of an .onnx file."});
    if (statSync(file).isDirectory()) throw new InputError(file, "is a directory, expected an .onnx file");
    const info = analyzeModel(readFileSync(file), {batch, file});
    process.stdout.write(values.json ? `${JSON.stringify(infoJson(info), null, 2)}\n` : `${formatModelInfo(file, info)}\n`);
  }
});
