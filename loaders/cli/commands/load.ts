import {writeFileSync, mkdirSync} from "node:fs";
import {dirname} from "node:path";
import {defineCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {cancelOnSigint} from "../../common/cancel.ts";
import {Progress, log} from "../../common/progress.ts";
import {storeImport} from "../../formats/common/store-import.ts";
import {perfAnalyzerCsv} from "../../loadgen/csv.ts";
import {parseRange} from "../../loadgen/range.ts";
import {runLoad, type StepResult} from "../../loadgen/run.ts";
import {loadStepRows, perfAnalyzerRows} from "../../loadgen/store-rows.ts";
import {loadSteps, perfAnalyzer} from "../../store/datasets.ts";

const fmt = (v: number | null, d = 0) => (v === null || !Number.isFinite(v) ? "-" : v.toFixed(d));

/** The --json line of a step: the contract keys first. */
export function stepJson(s: StepResult): Record<string, unknown> {
  const {concurrency, request_rate, batch, throughput_infer_per_s, p50_us, p90_us, p95_us, p99_us, avg_us, server_queue_us, server_compute_us, ...rest} = s;
  return {concurrency, request_rate, batch, throughput_infer_per_s, p50_us, p90_us, p95_us, p99_us, avg_us, server_queue_us, server_compute_us, ...rest};
}

function positive(flag: string, v: string | undefined, dflt: number, {integer = true} = {}): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UserError(`--${flag}: ${JSON.stringify(v)} is not a positive ${integer ? "integer" : "number"}`);
  return n;
}

export default defineCommand({
  usage: "--url http://127.0.0.1:<port> --model <name> (--concurrency a:b:step | --request-rate a:b:step [--distribution constant|poisson]) [--batch <n>] --out <file.csv> [--json]",
  description:
    "Drive a KServe v2 / Triton HTTP server like perf_analyzer: a concurrency or request-rate sweep, measurement windows until stable, client latency percentiles and the server's queue and compute from Triton's statistics. Writes perf_analyzer's CSV and store rows (perf_analyzer, load_steps).",
  options: {
    url: {type: "string", arg: "URL", description: "the server, e.g. http://127.0.0.1:8000"},
    model: {type: "string", arg: "NAME", description: "model name on the server"},
    concurrency: {type: "string", arg: "A:B:STEP", description: "outstanding requests per step (perf_analyzer --concurrency-range)"},
    "request-rate": {type: "string", arg: "A:B:STEP", description: "requests per second per step (perf_analyzer --request-rate-range)"},
    distribution: {type: "string", arg: "D", default: "constant", description: "request rate gaps: constant or poisson"},
    batch: {type: "string", arg: "N", default: "1", description: "batch rows per request (-b)"},
    out: {type: "string", arg: "FILE.csv", description: "write perf_analyzer's CSV here (-f)"},
    json: {type: "boolean", description: "print one JSON object per step to stdout"},
    "window-ms": {type: "string", arg: "MS", default: "2000", description: "measurement window (perf_analyzer --measurement-interval; its default is 5000)"},
    "max-windows": {type: "string", arg: "N", default: "10", description: "windows per step at most when it does not become stable (--max-trials)"},
    "stability-pct": {type: "string", arg: "PCT", default: "10", description: "3 windows within this % of their mean in throughput and latency count as stable"},
    "json-data": {type: "boolean", description: "send tensors as JSON instead of the binary tensor data extension"},
    seed: {type: "string", arg: "N", default: "1", description: "seed of the input data and the Poisson schedule"},
    "no-store": {type: "boolean", description: "do not write store rows"}
  },
  positionals: false,
  details: [
    "Server-side columns come from GET /v2/models/<m>/stats before and after the windows (Triton's statistics extension);",
    "without it they are left out of the CSV, as perf_analyzer does.",
    "",
    "Examples:",
    "  inferscope load --url http://127.0.0.1:8000 --model tiny_cnn --concurrency 1:8:1 --out perf.csv",
    "  inferscope load --url http://127.0.0.1:8000 --model tiny_cnn --request-rate 50:400:50 --distribution poisson --out rate.csv --json"
  ].join("\n"),
  async run({values}) {
    if (!values.url) throw new UserError("load: --url is required", {hint: "e.g. --url http://127.0.0.1:8000 (start a server with `inferscope serve`)"});
    if (!values.model) throw new UserError("load: --model is required");
    if (!values.out) throw new UserError("load: --out <file.csv> is required");
    if (!!values.concurrency === !!values["request-rate"]) throw new UserError("load: give exactly one of --concurrency a:b:step or --request-rate a:b:step");
    const mode = values.concurrency ? "concurrency" : "request_rate";
    const levels = mode === "concurrency" ? parseRange("--concurrency", values.concurrency!) : parseRange("--request-rate", values["request-rate"]!, {integer: false});
    const distribution = values.distribution;
    if (distribution !== "constant" && distribution !== "poisson") throw new UserError(`--distribution: ${JSON.stringify(distribution)} is not constant or poisson`);
    const windowMs = positive("window-ms", values["window-ms"], 2000);
    const maxWindows = positive("max-windows", values["max-windows"], 10);
    const stabilityPct = positive("stability-pct", values["stability-pct"], 10, {integer: false});
    const batch = positive("batch", values.batch, 1);
    const progress = new Progress({total: levels.length, label: "load"});
    const cancel = cancelOnSigint("the load");
    let steps: StepResult[];
    try {
      steps = await runLoad({
        url: values.url,
        model: values.model,
        mode,
        levels,
        batch,
        distribution,
        windowMs,
        maxWindows,
        stabilityPct,
        jsonData: values["json-data"],
        seed: Number(values.seed ?? 1),
        signal: cancel.signal,
        onStepStart: (level) => progress.start(mode === "concurrency" ? `concurrency ${level}` : `${level} requests/s (${distribution})`),
        onStep: (s) => {
          progress.finish(`${fmt(s.throughput_infer_per_s, 1)} infer/s, latency p50 ${fmt(s.p50_us)} us p99 ${fmt(s.p99_us)} us avg ${fmt(s.avg_us)} us; server queue ${fmt(s.server_queue_us)} us compute ${fmt(s.server_compute_us)} us${s.server_avg_batch !== null ? `, mean batch ${fmt(s.server_avg_batch, 2)}` : ""}; ${s.windows} window(s)${s.stable ? "" : ", NOT stable"}${s.errors ? `; ${s.errors} errors (${s.first_error})` : ""}`);
          if (values.json) process.stdout.write(`${JSON.stringify(stepJson(s))}\n`);
        }
      });
    } finally {
      cancel.dispose();
    }
    const csv = perfAnalyzerCsv(steps);
    mkdirSync(dirname(values.out), {recursive: true});
    writeFileSync(values.out, csv);
    log(`load: wrote ${values.out} (${steps.length} rows, perf_analyzer format)`);
    if (!values["no-store"] && steps.length) {
      const {rows, diagnostics} = perfAnalyzerRows(csv, values.out, values.model);
      const result = await storeImport({
        kind: "load",
        config: {url: values.url, model: values.model, mode, levels, batch, distribution, windowMs, maxWindows, stabilityPct},
        sourceFile: values.out,
        format: "perf-analyzer-csv",
        writes: [
          {dataset: perfAnalyzer, rows},
          {dataset: loadSteps, rows: loadStepRows(steps, {url: values.url, model: values.model, csvFile: values.out, distribution})}
        ],
        diagnostics
      });
      log(`load: run ${result.run_id}: ${rows.length} rows in perf_analyzer and load_steps`);
    }
    if (!values.json) process.stdout.write(csv);
    return 0;
  }
});
