import {existsSync, statSync} from "node:fs";
import {resolve} from "node:path";
import {cancelOnSigint} from "../../common/cancel.ts";
import {CancelledError, UserError} from "../../common/errors.ts";
import {Progress} from "../../common/progress.ts";
import {defineCommand} from "../command.ts";
import {formatBytes} from "../../models/format.ts";
import {ensureModel, modelDir, modelPath, ZOO, zooEntry} from "../../models/zoo.ts";

export default defineCommand({
  usage: "<name…> [--out DIR] [--force]",
  description:
    "Build zoo models as ONNX files (opset 13, deterministic pseudo-random weights; nothing is downloaded) into data/models/ (or $INFERSCOPE_MODELS, or --out). Models already built are kept. Prints the written paths.",
  options: {
    out: {type: "string", arg: "DIR", description: "directory to write <name>.onnx into (default: data/models)"},
    force: {type: "boolean", description: "rebuild models that already exist"}
  },
  details: `Models: ${Object.keys(ZOO).join(", ")}; \`all\` builds every one.\nExample:\n  inferscope models build mobilenet_v1 resnet50`,
  async run({values, positionals}) {
    if (positionals.length === 0) throw new UserError("models build: name at least one model", {hint: `Models: ${Object.keys(ZOO).join(", ")} (or \`all\`).`});
    const names = [...new Set(positionals.flatMap((n) => (n === "all" ? Object.keys(ZOO) : [n])))];
    names.forEach(zooEntry); // unknown names fail before anything is built
    const dir = resolve(values.out ?? modelDir());
    const progress = new Progress({total: names.length, label: "models build"});
    const cancel = cancelOnSigint("models build");
    try {
      for (const name of names) {
        if (cancel.signal.aborted) throw new CancelledError(`models build: stopped before ${name}`);
        const existed = !values.force && existsSync(modelPath(name, dir));
        progress.start(existed ? `${name} (already built)` : `building ${name}`);
        const started = performance.now();
        let path: string;
        try {
          path = await ensureModel(name, {dir, force: values.force, signal: cancel.signal});
        } catch (error) {
          if (cancel.signal.aborted) throw new CancelledError(`models build: stopped while building ${name} (nothing partial was left)`);
          throw error;
        }
        const size = formatBytes(statSync(path).size);
        progress.finish(existed ? `${path} (${size}, kept)` : `${path} (${size} in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
        process.stdout.write(`${path}\n`);
      }
    } finally {
      cancel.dispose();
    }
  }
});
