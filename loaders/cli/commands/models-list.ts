import {existsSync, statSync} from "node:fs";
import {defineCommand} from "../command.ts";
import {formatBytes, si, table, withCommas} from "../../models/format.ts";
import {countZooModel, modelDir, modelPath, ZOO} from "../../models/zoo.ts";

export default defineCommand({
  usage: "[--json]",
  description: "List the model zoo: input shape, parameters and FLOPs (counted from each graph at batch 1, next to published figures) and whether it is built.",
  options: {json: {type: "boolean", description: "print JSON instead of a table"}},
  positionals: false,
  async run({values}) {
    const rows = Object.entries(ZOO).map(([name, entry]) => {
      const info = countZooModel(name);
      const path = modelPath(name);
      return {
        name,
        layout: entry.layout,
        input: [entry.inputShape[0], ...entry.inputShape.slice(1)],
        params: info.params,
        macs: info.macs,
        flops: info.flops,
        published_params: entry.published?.params ?? null,
        published_flops: entry.published?.flops ?? null,
        published_note: entry.published?.note ?? null,
        path: existsSync(path) ? path : null,
        bytes: existsSync(path) ? statSync(path).size : null,
        description: entry.description
      };
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({dir: modelDir(), models: rows}, null, 2)}\n`);
      return;
    }
    const text = table(
      ["model", "layout", "input", "params", "published", "FLOPs", "published", "built"],
      rows.map((r) => [
        r.name,
        r.layout,
        `N×${r.input.join("×")}`,
        withCommas(r.params),
        r.published_params ? withCommas(r.published_params) : "-",
        si(r.flops),
        r.published_flops ? si(r.published_flops) : "-",
        r.bytes !== null ? formatBytes(r.bytes) : "no"
      ]),
      [false, false, false, true, true, true, true, true]
    );
    const notes = rows.filter((r) => r.published_note).map((r) => `  ${r.name}: ${r.published_note}`);
    process.stdout.write(`models in ${modelDir()} (FLOPs at batch 1; \`inferscope models build <name>\` builds one)\n${text}\n`);
    if (notes.length) process.stdout.write(`\nParameter differences from the published counts:\n${notes.join("\n")}\n`);
  }
});
