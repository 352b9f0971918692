import {group} from "d3-array";
import {sqlString} from "../../store/schema.ts";
import {UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {queryStore, storeRoot} from "../../store/store.ts";
import {kernelLabel} from "../../profile/fusion.ts";

interface FusionLine {
  runtime: string;
  opt_level: string;
  original_ops: string | null;
  op_type: string | null;
  fused_domain: string | null;
  fused_activation: string | null;
  kind: string;
  n: number;
  host_name: string;
}

export default defineCommand({
  usage: "--model M [--runtime R] [--opt-level L] [--json]",
  description:
    "Print a model's fusion map from the store: which original ops each ONNX Runtime kernel replaced (e.g. Conv+BatchNormalization+Relu -> FusedConv (com.microsoft, Relu)), with counts, from the latest `inferscope profile` run of each runtime and level.",
  options: {
    model: {type: "string", arg: "M", description: "model to report (required)"},
    runtime: {type: "string", arg: "R", description: "only this runtime (ort-cpu, ort-wasm, ...)"},
    "opt-level": {type: "string", arg: "L", description: "only this optimization level"},
    json: {type: "boolean", description: "print the rows as JSON"}
  },
  positionals: false,
  async run({values}) {
    const model = values.model?.trim();
    if (!model) throw new UserError("ops fusion: --model is required", {hint: "e.g. `inferscope ops fusion --model resnet50`"});
    const where = [`model = ${sqlString(model)}`, values.runtime ? `runtime = ${sqlString(values.runtime)}` : null, values["opt-level"] ? `opt_level = ${sqlString(values["opt-level"])}` : null].filter(Boolean).join(" AND ");
    const rows = await queryStore<FusionLine>(`
      WITH latest AS (
        SELECT * FROM fusion_maps WHERE ${where}
        QUALIFY dense_rank() OVER (PARTITION BY model, runtime, opt_level ORDER BY collected_at DESC, run_id DESC) = 1
      )
      SELECT runtime, opt_level, original_ops, op_type, fused_domain, fused_activation, kind, count(*)::INTEGER AS n, any_value(host_name) AS host_name
      FROM latest GROUP BY ALL
      ORDER BY runtime, opt_level, n DESC, original_ops`);
    if (rows.length === 0) {
      const have = await queryStore<{model: string}>("SELECT DISTINCT model FROM fusion_maps ORDER BY 1");
      throw new UserError(`ops fusion: no fusion map for ${model}${values.runtime ? ` on ${values.runtime}` : ""}${values["opt-level"] ? ` at ${values["opt-level"]}` : ""} in ${storeRoot()}`, {
        hint: have.length ? `Models with fusion maps: ${have.map((r) => r.model).join(", ")}.` : `Profile first: \`inferscope profile --models ${model}\`.`
      });
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({rows}, null, 2)}\n`);
      return;
    }
    const groups = group(rows, (r) => `${r.runtime} at '${r.opt_level}' (${r.host_name})`);
    for (const [title, lines] of groups) {
      const left = lines.map((l) => l.original_ops ?? "(none)");
      const width = Math.max(...left.map((s) => s.length));
      process.stdout.write(`${model} on ${title}\n`);
      lines.forEach((l, i) => {
        const kernel = l.op_type ? kernelLabel(l.op_type, l.fused_domain, l.fused_activation) : "(removed)";
        process.stdout.write(`  ${String(l.n).padStart(4)} x  ${left[i].padEnd(width)}  ->  ${kernel}${l.kind === "kept" ? "" : `   [${l.kind}]`}\n`);
      });
      process.stdout.write("\n");
    }
  }
});
