// --model for `serve`: a zoo name (built on first use, no download) or an ONNX file, served under
// its file's base name.

import {existsSync} from "node:fs";
import {basename, resolve} from "node:path";
import {UserError} from "../common/errors.ts";
import {ensureModel, zooEntry} from "../models/zoo.ts";

export async function resolveServedModel(model: string): Promise<{name: string; file: string; source: "zoo" | "file"}> {
  if (model.endsWith(".onnx") || model.includes("/")) {
    const file = resolve(model);
    if (!existsSync(file)) throw new UserError(`--model: ${model} does not exist`, {hint: "Give an ONNX file, or a zoo name (see `inferscope models list`)."});
    return {name: basename(file).replace(/\.onnx$/i, ""), file, source: "file"};
  }
  zooEntry(model);
  return {name: model, file: await ensureModel(model), source: "zoo"};
}
