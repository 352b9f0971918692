// --model for the partition commands: a zoo name (built into data/models/ on first use) or an ONNX file.

import {existsSync} from "node:fs";
import {basename, resolve} from "node:path";
import {UserError} from "../common/errors.ts";
import {log} from "../common/progress.ts";

export interface ResolvedModel {
  name: string;
  file: string;
}

export async function resolveModel(model: string | undefined): Promise<ResolvedModel> {
  if (!model) throw new UserError("--model: name a zoo model (e.g. mobilenet_v1) or an ONNX file", {hint: "See `inferscope models list` for the zoo"});
  if (/\.onnx$/i.test(model) || model.includes("/")) {
    const file = resolve(model);
    if (!existsSync(file)) throw new UserError(`${model}: no such file`, {hint: "Give the path of an ONNX model with a symbolic batch dimension, or a zoo name"});
    return {name: basename(file).replace(/\.onnx$/i, ""), file};
  }
  const {ensureModel, modelPath} = await import("../models/zoo.ts");
  const path = modelPath(model); // unknown names fail here with a suggestion
  if (!existsSync(path)) log(`building zoo model ${model} into ${path} (once)`);
  return {name: model, file: await ensureModel(model)};
}
