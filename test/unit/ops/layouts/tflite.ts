// Writes TFLite benchmark_model op-profiling output byte for byte as the C++ prints it, from a list of
// nodes with known times, so the tests know every expected value.
// Mirrors tensorflow/core/util/stats_calculator.cc (HeaderString, ColumnString, GetStatsByNodeType,
// GetShortSummary: both the older release with [start] and the newer without, text and CSV),
// tensorflow/lite/profiling/profile_summary_formatter.cc (GenerateReport, HandleOutput/WriteOutput)
// and tensorflow/lite/tools/logging.h ("INFO: " before each whole message).

export interface TfNode {
  type: string;
  name: string;
  /** Average time of one execution, microseconds (an integer, as TFLite measures). */
  avgUs: number;
  firstUs?: number;
  startUs?: number;
  called?: number;
  /** Delegate-internal rows in older releases: listed, but not part of the run total. */
  notInTotal?: boolean;
}

export interface TfStatsOptions {
  /** "old": with the [start] column (TF <= 2.4 era); "new": without. */
  version: "old" | "new";
  csv?: boolean;
  runs: number;
  showRunOrder?: boolean;
  showTop?: boolean;
  showType?: boolean;
  timeLimit?: number;
}

/** InitField: "\t" + right-aligned to width (std::fixed, precision 3 applies to floating values). */
function f(v: string, width: number): string {
  return `\t${v.padStart(width)}`;
}
const fx = (v: number) => v.toFixed(3);

/** C++ ostream default for a double (precision 6, %g-like): 0.62, 12.3457, 1e-05. */
export function g(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "-nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -5 || e >= 6) {
    const [mant, exp] = v.toExponential(5).split("e");
    const m = mant.replace(/\.?0+$/, "");
    const n = Number(exp);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = v.toPrecision(6);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function statsOf(nodes: TfNode[], runs: number) {
  const total = nodes.filter((n) => !n.notInTotal).reduce((a, n) => a + n.avgUs * (n.called ?? 1) * runs, 0);
  return {total, sum: (n: TfNode) => n.avgUs * (n.called ?? 1) * runs};
}

function header(title: string, o: TfStatsOptions): string {
  const banner = `============================== ${title} ==============================\n`;
  if (o.csv) return `${banner}${o.version === "old" ? "node type, start, first, avg_ms, %, cdf%, mem KB, times called, name" : "node type, first, avg_ms, %, cdf%, mem KB, times called, name"}`;
  return (
    banner +
    f("[node type]", 24) +
    (o.version === "old" ? f("[start]", 17) : "") +
    f("[first]", 9) +
    f("[avg ms]", 9) +
    f("[%]", 8) +
    f("[cdf%]", 8) +
    f("[mem KB]", 10) +
    f("[times called]", 9) +
    "\t[Name]"
  );
}

function column(n: TfNode, cumulative: number, total: number, o: TfStatsOptions): string {
  const first = (n.firstUs ?? n.avgUs) / 1000;
  const avg = n.avgUs / 1000;
  const start = (n.startUs ?? 0) / 1000;
  const pct = (statsOf([n], o.runs).sum(n) * 100) / total;
  const cdf = (cumulative * 100) / total;
  const called = n.called ?? 1;
  if (o.csv) {
    const name = o.version === "new" ? n.name.replaceAll(",", "\t") : n.name;
    return [n.type, ...(o.version === "old" ? [g(start)] : []), g(first), g(avg), `${g(pct)}%`, `${g(cdf)}%`, g(0), String(called), name].join(", ");
  }
  return (
    f(n.type, 24) +
    (o.version === "old" ? f(fx(start), 17) : "") +
    f(fx(first), 9) +
    f(fx(avg), 9) +
    `${f(fx(pct), 7)}%` +
    `${f(fx(cdf), 7)}%` +
    f(fx(0), 10) +
    f(String(called), 9) +
    `\t${n.name}`
  );
}

function byMetric(title: string, list: TfNode[], all: TfNode[], o: TfStatsOptions, limit = 0): string {
  const {total, sum} = statsOf(all, o.runs);
  let cumulative = 0;
  const rows = (limit > 0 ? list.slice(0, limit) : list).map((n) => {
    cumulative += sum(n);
    return `${column(n, cumulative, total, o)}\n`;
  });
  return `${header(title, o)}\n${rows.join("")}\n`;
}

function byType(nodes: TfNode[], o: TfStatsOptions): string {
  const types = new Map<string, {count: number; us: number; called: number}>();
  let accumulated = 0;
  for (const n of nodes) {
    const t = types.get(n.type) ?? {count: 0, us: 0, called: 0};
    const perRun = Math.trunc((n.avgUs * (n.called ?? 1) * o.runs) / o.runs);
    t.count++;
    t.us += perRun;
    t.called += n.called ?? 1;
    accumulated += perRun;
    types.set(n.type, t);
  }
  const sorted = [...types.entries()].sort((a, b) => b[1].us - a[1].us || (a[0] < b[0] ? 1 : -1));
  let out = `Number of nodes executed: ${nodes.length}\n============================== Summary by node type ==============================\n`;
  out += o.csv
    ? "node type, count, avg_ms, avg %, cdf %, mem KB, times called\n"
    : `${f("[Node type]", 24)}${f("[count]", 9)}${f("[avg ms]", 10)}${f("[avg %]", 11)}${f("[cdf %]", 11)}${f("[mem KB]", 10)}${f("[times called]", 10)}\n`;
  let cdf = 0;
  for (const [type, t] of sorted) {
    const pct = (t.us / accumulated) * 100;
    cdf += pct;
    out += o.csv
      ? `${type}, ${t.count}, ${g(t.us / 1000)}, ${g(pct)}%, ${g(cdf)}%, ${g(0)}, ${t.called}\n`
      : `${f(type, 24)}${f(String(t.count), 9)}${f(fx(t.us / 1000), 10)}${f(fx(pct), 10)}%${f(fx(cdf), 10)}%${f(fx(0), 10)}${f(String(t.called), 9)}\n`;
  }
  return `${out}\n`;
}

/** StatsCalculator::GetOutputString (show_memory and show_summary off, as TFLite sets them). */
export function statsOutput(nodes: TfNode[], o: TfStatsOptions): string {
  let s = "";
  if (o.showRunOrder ?? true) s += byMetric("Run Order", nodes, nodes, o);
  if (o.showTop ?? true) s += byMetric("Top by Computation Time", [...nodes].sort((a, b) => b.avgUs - a.avgUs), nodes, o, o.timeLimit ?? 10);
  if (o.showType ?? true) s += byType(nodes, o);
  return s;
}

/** StatsCalculator::GetShortSummary. */
export function shortSummary(nodes: TfNode[], runs: number, prefix = ""): string {
  const total = nodes.filter((n) => !n.notInTotal).reduce((a, n) => a + n.avgUs * (n.called ?? 1), 0);
  const timings = runs > 1 ? `count=${runs} first=${total + 120} curr=${total} min=${total - 30} max=${total + 120} avg=${total} std=12` : `count=1 curr=${total}`;
  return `${prefix}Timings (microseconds): ${timings}\nMemory (bytes): count=0\n${nodes.length} nodes observed\n`;
}

export interface TfGraph {
  nodes: TfNode[];
  /** Subgraph index; 0 is the primary graph. */
  index?: number;
  name?: string;
}

/** ProfileSummaryDefaultFormatter::GenerateReport ("profile" tag). */
export function report(graphs: TfGraph[], o: TfStatsOptions, delegate?: TfNode[]): string {
  const hasSub = graphs.some((g) => (g.index ?? 0) !== 0);
  let s = "";
  for (const gr of graphs) {
    const index = gr.index ?? 0;
    const named = o.version === "new";
    if (hasSub) {
      if (index === 0) s += named ? `Primary graph (name: ${gr.name ?? ""}) profile:\n` : "Primary graph profile:\n";
      else s += named ? `Subgraph (index: ${index}, name: ${gr.name ?? ""}) profile:\n` : `Subgraph (index: ${index}) profile:\n`;
    }
    s += statsOutput(gr.nodes, o);
    const prefix = index !== 0 ? (named ? `Subgraph (index: ${index}, name: ${gr.name ?? ""}) ` : `Subgraph (index: ${index}) `) : "";
    s += `${shortSummary(gr.nodes, o.runs, prefix)}\n`;
  }
  if (delegate?.length) s += `Delegate internal: \n${statsOutput(delegate, o)}${shortSummary(delegate, o.runs)}\n`;
  return s;
}

/** HandleOutput + WriteOutput: to stdout through TFLITE_LOG(INFO), or to the CSV/text output file. */
export function handleOutput(init: string, run: string, {toFile = false, infoPrefix = true}: {toFile?: boolean; infoPrefix?: boolean} = {}): string {
  const write = (head: string, data: string) => (toFile ? `${head}\n${data}\n` : `${infoPrefix ? "INFO: " : ""}${head}\n${data}\n\n`);
  return (init ? write("Profiling Info for Benchmark Initialization:", init) : "") + (run ? write("Operator-wise Profiling Info for Regular Benchmark Runs:", run) : "");
}

/** What benchmark_model logs before the profile (a few of its real lines). */
export function benchmarkPreamble(runs: number, infoPrefix = true): string {
  const p = infoPrefix ? "INFO: " : "";
  return [
    `${p}STARTING!`,
    `${p}Log parameter values verbosely: [0]`,
    `${p}Graph: [mobilenet_v1_1.0_224.tflite]`,
    `${p}Enable op profiling: [1]`,
    `${p}Loaded model mobilenet_v1_1.0_224.tflite`,
    `${p}The input model file size (MB): 16.9008`,
    `${p}Initialized session in 3.52ms.`,
    `${p}Running benchmark for at least ${runs} iterations and at least 1 seconds but terminate if exceeding 150 seconds.`,
    `${p}count=${runs} first=38519 curr=38393 min=38123 max=40033 avg=38569.6 std=346`,
    "",
    `${p}Inference timings in us: Init: 3520, First inference: 45567, Warmup (avg): 39343.3, Inference (avg): 38569.6`,
    `${p}Memory footprint delta from the start of the tool (MB): init=5.5 overall=22.6`,
    ""
  ].join("\n");
}

/**
 * A deterministic MobileNetV1-like node list as TFLite converts the Keras model: PAD before each strided
 * depthwise conv, MEAN for global pooling, the classifier as a 1x1 CONV_2D between RESHAPEs.
 */
export function mobilenetNodes(seed = 1): TfNode[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const nodes: TfNode[] = [];
  let index = 0;
  const add = (type: string, tensor: string, base: number) => {
    const avgUs = Math.round(base * (0.8 + 0.4 * rnd()));
    nodes.push({type, name: `[${tensor}]:${index}`, avgUs, firstUs: avgUs + 40, startUs: 0, called: 1});
    index++;
  };
  add("CONV_2D", "mobilenet/conv1_relu/Relu6", 1500);
  const strided = new Set([2, 4, 6, 12]);
  for (let b = 1; b <= 13; b++) {
    if (strided.has(b)) add("PAD", `mobilenet/conv_pad_${b}/Pad`, 60);
    add("DEPTHWISE_CONV_2D", `mobilenet/conv_dw_${b}_relu/Relu6`, 450);
    add("CONV_2D", `mobilenet/conv_pw_${b}_relu/Relu6`, 1400);
  }
  add("MEAN", "mobilenet/global_average_pooling2d/Mean", 25);
  add("RESHAPE", "mobilenet/reshape_1/Reshape", 2);
  add("CONV_2D", "mobilenet/conv_preds/BiasAdd;mobilenet/conv_preds/Conv2D", 20);
  add("RESHAPE", "mobilenet/reshape_2/Reshape", 2);
  add("SOFTMAX", "Identity", 4);
  let start = 0;
  for (const n of nodes) {
    n.startUs = start;
    start += n.avgUs + 2;
  }
  return nodes;
}

/**
 * A newer XNNPACK run: the delegate kernel's row, then the ops XNNPACK reports into the same table
 * (DELEGATE_PROFILED_OPERATOR_INVOKE_EVENT: type = op name, name "Delegate/<op>:<index>"), all counted
 * in the tool's run total, then the ops left to TFLite's own kernels.
 */
export function xnnpackNodes(): TfNode[] {
  const ops: TfNode[] = [];
  let i = 0;
  const op = (type: string, avgUs: number) => ops.push({type, name: `Delegate/${type}:${i++}`, avgUs});
  op("Convolution (NHWC, F32) IGEMM", 900);
  for (let b = 1; b <= 13; b++) {
    if ([2, 4, 6, 12].includes(b)) op("Constant Pad (ND, X32)", 40);
    op("Convolution (NHWC, F32) DWConv", 300);
    op("Convolution (NHWC, F32) GEMM", 800);
  }
  op("Global Average Pooling (NWC, F32)", 20);
  const delegated = ops.reduce((a, n) => a + n.avgUs, 0);
  return [
    {type: "TfLiteXNNPackDelegate", name: "[mobilenet/global_average_pooling2d/Mean]:33", avgUs: delegated + 150},
    ...ops,
    {type: "CONV_2D", name: "[mobilenet/conv_preds/BiasAdd]:34", avgUs: 25},
    {type: "SOFTMAX", name: "[Identity]:35", avgUs: 4}
  ];
}
