import {UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {storeRoot, queryStore} from "../../store/store.ts";
import {topOps, type TopOpRow} from "../../ops/topk.ts";
import type {OpScope} from "../../ops/profile-rows.ts";
import {closest} from "../suggest.ts";

const SCOPES: (OpScope | "auto")[] = ["auto", "node", "delegate_op", "subgraph_op", "gpu_kernel"];

function positiveInt(name: string, v: string | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UserError(`ops top: --${name} expects ${min > 0 ? "a positive" : "a non-negative"} whole number, got '${v}'`, {hint: `e.g. --${name} ${def || 1}`});
  }
  return n;
}

function fmtCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export default defineCommand({
  usage: "--model M [--runtime R] [--device D] [--k 4] [--json]",
  description:
    "Print the top-k operator types of a model from the store: each op's share of the total operator time of that model/runtime/device (percent) and how many times it runs per inference.",
  options: {
    model: {type: "string", arg: "M", description: "model to report (required)"},
    runtime: {type: "string", arg: "R", description: "only this runtime (default: one table per runtime)"},
    device: {type: "string", arg: "D", description: "only this device (default: one table per device)"},
    "opt-level": {type: "string", arg: "L", description: "only profiles taken at this optimization level / precision (default: all pooled)"},
    k: {type: "string", arg: "N", default: "4", description: "how many op types per table"},
    scope: {
      type: "string",
      arg: "S",
      default: "auto",
      description: "rows to rank: auto (top-level nodes, TFLite delegate kernels replaced by their ops), node, delegate_op, subgraph_op, gpu_kernel"
    },
    "skip-runs": {type: "string", arg: "N", default: "0", description: "also leave out the first N runs of per-run profiles (the warm-up runs `inferscope profile` recorded are always left out)"},
    json: {type: "boolean", description: 'print {"rows":[{"model","runtime","device","op","share_pct","count"}]}'}
  },
  positionals: false,
  details: [
    "share_pct: the op's summed time per run / the total operator time per run, over all stored runs",
    "of that model/runtime/device. count: executions per run. Fused kernels count as the runtime names",
    "them (FusedConv, Conv2D+Relu6). Nested rows are never added to the node that holds them: by default",
    "top-level nodes are ranked, with a TFLite delegate kernel replaced by the ops it reports (XNNPACK).",
    "",
    "Example: inferscope ops top --model mobilenet_v1 --k 4"
  ].join("\n"),
  async run({values}) {
    const model = values.model?.trim();
    if (!model) throw new UserError("ops top: --model is required", {hint: "e.g. `inferscope ops top --model mobilenet_v1`; see `inferscope store list`."});
    const k = positiveInt("k", values.k, 4, 1);
    const skipRuns = positiveInt("skip-runs", values["skip-runs"], 0, 0);
    const scope = (values.scope ?? "auto") as OpScope | "auto";
    if (!SCOPES.includes(scope)) throw new UserError(`ops top: unknown --scope '${values.scope}'`, {hint: `One of: ${SCOPES.join(", ")}.`});
    const filter = {model, runtime: values.runtime, device: values.device, optLevel: values["opt-level"], k, scope, skipRuns};
    const rows = await topOps(filter);
    if (rows.length === 0) throw await nothingFound(filter);
    if (values.json) {
      const out = rows.map((r) => ({model: r.model, runtime: r.runtime, device: r.device, op: r.op, share_pct: r.share_pct, count: r.count}));
      process.stdout.write(`${JSON.stringify({rows: out}, null, 2)}\n`);
      return;
    }
    process.stdout.write(formatTables(rows, k));
  }
});

function formatTables(rows: TopOpRow[], k: number): string {
  const groups = new Map<string, TopOpRow[]>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.runtime}\u0000${r.device}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: string[] = [];
  for (const group of groups.values()) {
    const {model, runtime, device, runs, averaged_profiles, averaged_runs, opt_levels} = group[0];
    const width = Math.max(2, ...group.map((r) => r.op.length));
    const levels = opt_levels.split(",");
    const level = levels.length > 1 ? `, pooled over opt levels ${levels.join(", ")}: pick one with --opt-level` : levels[0] !== "?" ? `, opt level ${levels[0]}` : "";
    out.push(`${model} on ${runtime} / ${device} (${describeRuns(runs, averaged_profiles, averaged_runs)}${level})`);
    out.push(`   #  ${"op".padEnd(width)}   share   count   per run`);
    for (const r of group) {
      out.push(`  ${String(r.rank).padStart(2)}  ${r.op.padEnd(width)}  ${`${r.share_pct.toFixed(1)}%`.padStart(6)}  ${fmtCount(r.count).padStart(6)}  ${`${(r.time_per_run_us / 1000).toFixed(3)} ms`.padStart(9)}`);
    }
    const total = group.reduce((a, r) => a + r.share_pct, 0);
    out.push(`      ${`top-${Math.min(k, group.length)}`.padEnd(width)}  ${`${total.toFixed(1)}%`.padStart(6)}`);
    out.push("");
  }
  return `${out.join("\n")}`;
}

async function nothingFound(filter: {model: string; runtime?: string; device?: string; optLevel?: string; scope: string}): Promise<UserError> {
  const known = await queryStore(
    `SELECT model, string_agg(DISTINCT runtime || ' / ' || device, ', ' ORDER BY runtime || ' / ' || device) AS where_
     FROM op_profiles GROUP BY model ORDER BY model LIMIT 20`
  );
  const what = [`model '${filter.model}'`, filter.runtime && `runtime '${filter.runtime}'`, filter.device && `device '${filter.device}'`, filter.optLevel && `opt level '${filter.optLevel}'`]
    .filter(Boolean)
    .join(", ");
  const same = known.find((r) => r.model === filter.model);
  const hint = same
    ? `Stored for ${filter.model}: ${same.where_}${filter.scope !== "auto" ? ` (is there any '${filter.scope}' row?)` : ""}.`
    : known.length
      ? `${didYouMean(filter.model, known.map((r) => String(r.model)))}Models with operator profiles: ${known.map((r) => r.model).join(", ")}.`
      : "The store has no operator profiles yet: import one with `inferscope import tflite|trtexec|ort-profile <file> --model M --device D`.";
  return new UserError(`ops top: no operator profiles for ${what} in ${storeRoot()}`, {hint});
}

function didYouMean(word: string, names: string[]): string {
  const guess = closest(word, names);
  return guess ? `Did you mean --model ${guess}? ` : "";
}

function describeRuns(runs: number, averaged: number, averagedRuns: number): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const tables = averaged ? `${plural(averaged, "table")} averaged over ${plural(averagedRuns, "run")}` : "";
  if (averaged === runs) return tables;
  return averaged ? `${plural(runs - averaged, "run")} + ${tables}` : plural(runs, "run");
}
