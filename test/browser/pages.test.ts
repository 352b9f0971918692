// Builds the site from a store filled by real collector runs, serves dist/ on 127.0.0.1, and opens
// every page in headless Chromium: no page error, console error, failed request or request to any
// other host, and each page's charts and tables rendered with data.
import assert from "node:assert/strict";
import {mkdir, rm} from "node:fs/promises";
import {dirname, join} from "node:path";
import {after, before, describe, it} from "node:test";
import type {Browser, Page} from "playwright-core";
import config from "../../observablehq.config.ts";
import {PROJECT_ROOT} from "../../loaders/store/store.ts";
import {launch, openPage} from "../helpers/browser.ts";
import {buildSite, FRAMEWORK_CACHE} from "../helpers/site.ts";
import {serveStatic} from "../helpers/static-server.ts";
import {tempDir} from "../helpers/tmp.ts";
import {seedStore} from "./seed.ts";

/** Wait until every cell has run, then fail on any cell that threw. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, {timeout: 60_000});
  const errors = await page.$$eval(".observablehq--error", (els) => els.map((e) => e.textContent ?? ""));
  assert.deepEqual(errors, [], "no cell errors");
}

/** Plot charts on the page that drew at least one data mark element. */
export async function chartsWithData(page: Page): Promise<number> {
  return page.$$eval("svg[class^='plot-']", (svgs) =>
    svgs.filter((svg) => [...svg.querySelectorAll("g[aria-label]")].some((g) => !/axis|grid|frame|tip|legend/.test(g.getAttribute("aria-label") ?? "") && g.children.length > 0)).length
  );
}

/** Body rows of each Inputs.table on the page. */
export async function tableRows(page: Page): Promise<number[]> {
  return page.$$eval("form[class*='-table'] table", (tables) => tables.map((t) => t.querySelectorAll("tbody tr").length));
}

/** Poll until the page shows at least `charts` charts with data and `tables` tables with rows. */
async function waitForData(page: Page, {charts = 0, tables = 0}: {charts?: number; tables?: number}): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const c = await chartsWithData(page);
    const t = (await tableRows(page)).filter((n) => n > 0).length;
    if (c >= charts && t >= tables) return;
    if (Date.now() > deadline) assert.fail(`expected >= ${charts} charts with data and >= ${tables} tables with rows; found ${c} and ${t}`);
    await page.waitForTimeout(250);
  }
}

type Check = (page: Page) => Promise<void>;

const CHECKS: Record<string, Check> = {
  "/history": async (page) => {
    // Latency over time; the latest changes of the chosen model and the runs in the store: one chart, two tables.
    await waitForData(page, {charts: 1, tables: 2});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once benchmark runs exist");
    const label = (await page.locator("p.data-label").first().textContent()) ?? "";
    const runs = Number(/^(\d+) benchmark runs of \d+ configurations on 1 host/.exec(label)?.[1]);
    assert.ok(runs >= 2, `the page counts the runs: ${label}`);
    assert.match(label, /\d+ changes between consecutive runs, \d+ flagged as regressions and \d+ as improvements \(threshold 5%\)/);
    // tiny_cnn (two runs) on ort-cpu is shown first: three settings, a point per run, each with its interval.
    const modelSelect = page.locator("form").filter({has: page.locator("label", {hasText: /^Model$/})}).locator("select");
    assert.equal(await modelSelect.locator("option:checked").textContent(), "tiny_cnn");
    const chart = page.locator("[data-chart='history']");
    assert.ok((await chart.locator("g[aria-label='dot']").first().locator("circle").count()) >= 6, "two runs of three configurations drawn");
    assert.ok((await chart.locator("g[aria-label='rule'] line").count()) >= 6, "an interval bar per run");
    const legend = (await chart.textContent()) ?? "";
    assert.ok(["1 thread · batch 1 · opt all", "opt disabled"].every((s) => legend.includes(s)), `configurations named: ${legend.slice(0, 200)}`);
    // The latest change of each configuration, with a verdict from the same test as runs compare.
    const latest = page.locator("form[class*='-table'] table").first();
    const rows = await latest.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    assert.equal(rows.length, 3, `three configurations compared: ${JSON.stringify(rows)}`);
    for (const r of rows) {
      assert.ok(r.some((c) => /^(unchanged|regression|improvement|too few samples)$/.test(c)), `a verdict: ${r}`);
      assert.ok(r.some((c) => /^\[[+-]\d+\.\d%, [+-]\d+\.\d%\]$/.test(c)), `an interval: ${r}`);
    }
    // Latest regressions: a table or a note saying none was flagged (real timings decide which).
    const regressions = page.locator("[data-regressions]");
    await regressions.waitFor();
    const flagged = Number(await regressions.getAttribute("data-regressions"));
    if (flagged === 0) assert.match((await regressions.textContent()) ?? "", /^No regression flagged/);
    else assert.equal(await regressions.locator("tbody tr").count(), Math.min(flagged, 50));
    // Inputs react: squeezenet1_1 has a single run, so nothing to compare yet.
    await modelSelect.selectOption({label: "squeezenet1_1"});
    await page.waitForFunction(() => [...document.querySelectorAll("p em")].some((e) => /single run so far/.test(e.textContent ?? "")), null, {timeout: 30_000});
    await waitForData(page, {charts: 1, tables: 1});
  },
  "/timeline": async (page) => {
    // Stage timeline, overview strip, Gantt, network lane, latency-throughput, perf stage bars; stats and diagnostics tables.
    await waitForData(page, {charts: 6, tables: 2});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once serving files are imported");
    assert.match((await page.locator("p.data-label:not([data-live])").first().textContent()) ?? "", /Imported from files: Triton traces? .*trace\.json\.0/, "the page says the data is imported and from which files");
    assert.match((await page.locator("p.data-label[data-live]").textContent()) ?? "", /Measured live by npm run collect:serving: \d+ traced requests of inferscope's reference server \(ONNX Runtime, not Triton\)/, "the live collection is labelled as live");
    // The stage timeline: a Triton bar and a perf_analyzer bar, every segment labelled in µs.
    const timeline = page.locator("[data-chart='stage-timeline']");
    const labels = (await timeline.locator("text").allTextContents()).filter((t) => /^\d[\d,.]* µs$/.test(t));
    assert.ok(labels.length >= 14, `µs labels on the segments: ${labels}`);
    assert.ok((await timeline.textContent())?.includes("Triton trace: mean of each stage"), "Triton bar drawn");
    assert.ok((await timeline.textContent())?.includes("perf_analyzer, concurrency 1"), "perf_analyzer bar drawn for the same model");
    // The stats table: count, mean, p50, p90, p99 for each stage.
    const stats = page.locator("form[class*='-table'] table").first();
    assert.deepEqual((await stats.locator("thead th").allTextContents()).slice(1), ["stage", "count", "mean µs", "p50 µs", "p90 µs", "p99 µs"]);
    const stageNames = await stats.locator("tbody td:nth-child(2)").allTextContents();
    assert.ok(["network + frontend receive", "queue", "compute input", "compute infer", "compute output", "send"].every((x) => stageNames.includes(x)), `stages: ${stageNames}`);
    // The Gantt: requests in the first window drawn with stage segments; the network lane on the same axis.
    const caption = page.locator("[data-gantt-caption]");
    const count = async () => Number(/([\d,]+)<\/strong> request/.exec((await caption.innerHTML()) ?? "")?.[1].replaceAll(",", "") ?? NaN);
    const before = await count();
    assert.ok(before >= 50 && before < 300, `first window holds part of the trace: ${before}`);
    assert.ok((await page.locator("[data-chart='request-gantt'] rect").count()) > 5 * before, "stage segments drawn for the requests");
    assert.ok((await page.locator("[data-chart='network-lane'] line").count()) > 20, "network events drawn in the window");
    assert.ok((await page.locator("p").filter({hasText: "on the trace's time axis"}).count()) === 1, "the page says the network log shares the trace's clock");
    // Brushing the overview strip narrows the Gantt.
    const strip = page.locator("[data-time-brush] svg");
    await strip.scrollIntoViewIfNeeded();
    const box = (await strip.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 3, {steps: 5});
    await page.mouse.up();
    await page.waitForFunction((b) => {
      const m = /([\d,]+)<\/strong> request/.exec(document.querySelector("[data-gantt-caption]")?.innerHTML ?? "");
      return m !== null && Number(m[1].replaceAll(",", "")) !== b;
    }, before, {timeout: 30_000});
    const after = await count();
    assert.ok(after > 0 && after < before, `a narrower window holds fewer requests: ${before} -> ${after}`);
    assert.match((await caption.textContent()) ?? "", /^Window [\d,.]+ µs – [\d,.]+ µs/, "the window is stated");
    // perf_analyzer: levels in order of load on the curve, stacked stages per level.
    const curve = await page.locator("[data-chart='latency-throughput'] text").allTextContents();
    assert.ok(["c=1", "c=2", "c=4", "c=8", "c=16"].every((c) => curve.includes(c)), `load labels: ${curve}`);
    assert.ok((await page.locator("[data-chart='perf-stage-bars'] rect").count()) >= 5 * 6, "stacked stage bars per load level");
    // A model name from the trace is text, never markup: choose it and see it as text.
    const hostile = "<img src=x onerror=alert(1)>";
    const select = page.locator("form").filter({has: page.locator("label", {hasText: /^Model$/})}).locator("select");
    const options = await select.locator("option").allTextContents();
    assert.ok(options.includes(`${hostile} (60 requests)`), `model options: ${options}`);
    await select.selectOption({label: `${hostile} (60 requests)`});
    await page.waitForFunction((h) => [...document.querySelectorAll("p strong")].some((e) => e.textContent === h), hostile, {timeout: 30_000});
    assert.equal(await page.locator("img[src='x']").count(), 0, "no element injected from file data");
    assert.equal(await page.locator("[data-chart='stage-timeline']").textContent().then((t) => t?.includes("perf_analyzer")), false, "no perf_analyzer bar for a model it did not measure");
    assert.equal(await page.locator("form").filter({has: page.locator("label", {hasText: "perf_analyzer level"})}).count(), 0, "no perf_analyzer level to choose for it");
    // The live trace (collect serving on tiny_cnn): its stages and its own load generator's perf_analyzer bar.
    const traceSelect = page.locator("form").filter({has: page.locator("label", {hasText: /^Triton trace$/})}).locator("select");
    const live = (await traceSelect.locator("option").allTextContents()).find((o) => o.startsWith("live on "));
    assert.ok(live, "the live trace can be chosen");
    await traceSelect.selectOption({label: live});
    await page.waitForFunction(() => (document.querySelector("[data-chart='stage-timeline']")?.textContent ?? "").includes("perf_analyzer, concurrency 1"), null, {timeout: 30_000});
    assert.ok(((await select.locator("option").allTextContents())[0] ?? "").startsWith("tiny_cnn ("), "the live trace's model");
    const liveLabels = (await timeline.locator("text").allTextContents()).filter((t) => /^\d[\d,.]* µs$/.test(t));
    assert.ok(liveLabels.length >= 8, `µs labels on the live trace's segments: ${liveLabels}`);
  },
  "/": async (page) => {
    await waitForData(page, {charts: 1, tables: 1});
    const rows = await tableRows(page);
    assert.ok(rows[0] >= 5, `tools table lists the probed tools (rows: ${rows})`);
    assert.ok((await chartsWithData(page)) >= 1, "runs chart drawn");
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once runs exist");
  },
  "/benchmarks": async (page) => {
    // Scatter, distributions and speedups: three charts with data; correlations and configurations tables.
    await waitForData(page, {charts: 3, tables: 2});
    const table = page.locator("[data-latency-table]");
    await table.waitFor();
    const models = await table.locator("tbody td:first-child").allTextContents();
    assert.ok(["tiny_cnn", "squeezenet1_1", "mobilenet_v1"].every((m) => models.includes(m)), `latency table rows: ${models}`);
    const headers = await table.locator("thead th").allTextContents();
    assert.ok(headers.some((h) => h.startsWith("ort-cpu")) && headers.some((h) => h.startsWith("ort-wasm")), `columns: ${headers}`);
    assert.ok(headers.some((h) => h.includes("(imported)")), "imported device is labelled as imported");
    // A model name from an imported file is text, never markup.
    assert.ok(models.includes("<img src=x onerror=alert(1)>"), "hostile model name shown as text");
    assert.equal(await page.locator("img[src='x']").count(), 0, "no element injected from file data");
    const cells = await table.locator("tbody td.num[title]").count();
    assert.ok(cells >= 6, `latency cells with spread on hover: ${cells}`);
    // Devices side by side: the two fleet devices as columns; the unreachable one listed as failed, with why.
    const fleet = page.locator("[data-fleet-latency-table]");
    await fleet.waitFor();
    assert.deepEqual((await fleet.locator("thead th").allTextContents()).slice(3), ["board-a · ort-cpu", "board-b · ort-cpu"], "one column per fleet device");
    assert.deepEqual(await fleet.locator("tbody td:first-child").allTextContents(), ["tiny_cnn"]);
    assert.equal(await fleet.locator("tbody td.num[title]").count(), 2, "a median per device, spread on hover");
    const fleetStatus = page.locator("form[class*='-table'] table").filter({hasText: "offline-board"});
    const statusRows = await fleetStatus.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    assert.deepEqual(statusRows.map((r) => r.slice(1, 3)), [["board-a", "ok"], ["board-b", "ok"], ["offline-board", "failed"]], `fleet devices: ${JSON.stringify(statusRows)}`);
    assert.match(statusRows[2][3], /^connection refused/, "the failed device says why");
    // Inputs react: unticking every runtime but one leaves one column.
    const boxes = page.locator("form[class*='-checkbox']").filter({hasText: "Runtime · device"}).locator("input[type=checkbox]");
    const n = await boxes.count();
    for (let i = 1; i < n; i++) await boxes.nth(i).uncheck();
    await page.waitForFunction(() => document.querySelectorAll("[data-latency-table] thead th").length === 4, null, {timeout: 30_000});
  },
  "/partition": async (page) => {
    // Curves, split bars, predicted-vs-measured, time saved, across models: five charts. Planner
    // gaps, unit contributions, baselines, across models: four tables (the squeezenet1_1 table shown
    // first was profiled to batch 4, too small to hold a size out).
    await waitForData(page, {charts: 5, tables: 4});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once partition data exists");
    const machine = await page.locator("p.data-label").first().textContent();
    assert.match(machine ?? "", /Measured runs on .+\(.+, \d+ cores\) with units /, `the page names the machine: ${machine}`);
    assert.ok(["cpu:1,wasm:1", "cpu:1,cpu:1#2"].every((u) => machine?.includes(u)), `the page names the units: ${machine}`);
    assert.match(machine ?? "", /Imported tables .*board-table\.csv/, "imported tables are marked as imported");
    const across = page.locator("form[class*='-table'] table").last();
    const models = await across.locator("tbody td:nth-child(2)").allTextContents();
    assert.ok(["tiny_cnn", "squeezenet1_1"].every((m) => models.includes(m)), `across-models table: ${models}`);
    // The split chart stacks each planner's shares: one bar per unit with items, three planners.
    const planners = await page.locator("svg[class^='plot-'] g[aria-label='y-axis tick label'] text").allTextContents();
    assert.ok(["proportional", "greedy", "optimal"].every((p) => planners.includes(p)), `planners drawn: ${planners}`);
    // A unit name from an imported table is text, never markup.
    assert.ok((await page.locator("body").textContent())?.includes("<img src=x onerror=alert(2)>"), "hostile unit name shown as text");
    assert.equal(await page.locator("img[src='x']").count(), 0, "no element injected from file data");
    // Inputs react: choosing the tiny_cnn table (profiled to 16) redraws the curves with its units and
    // adds the held-out sizes' interpolation errors (6 and 12, for both units).
    const select = page.locator("form").filter({hasText: "Performance table"}).locator("select");
    const option = await select.locator("option", {hasText: "tiny_cnn"}).first().textContent();
    await select.selectOption({label: option!});
    await page.waitForFunction(() => [...document.querySelectorAll("p")].some((p) => /up to batch 16, units cpu:1,wasm:1/.test(p.textContent ?? "")), null, {timeout: 30_000});
    // (The run shown follows the table's model: tiny_cnn's run had no baseline, so its table goes.)
    await page.waitForFunction(() => document.querySelector("form[class*='-table'] table thead")?.textContent?.includes("interpolated ms"), null, {timeout: 30_000});
    await waitForData(page, {charts: 5, tables: 4});
    const held = page.locator("form[class*='-table'] table").first();
    assert.deepEqual(await held.locator("tbody td:nth-child(3)").allTextContents(), ["6", "12", "6", "12"], "held-out sizes of both units");
  },
  "/batching": async (page) => {
    // Throughput and latency vs batch, p99 and throughput vs request rate, pipeline bars and
    // utilisation: six charts; batch table, recommendations and pipeline workers: three tables.
    await waitForData(page, {charts: 6, tables: 3});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once batching data exists");
    assert.match((await page.locator("p.data-label").first().textContent()) ?? "", /Measured on .+\(.+, \d+ cores\): \d+ batch sweeps, \d+ dynamic-batching measurements, \d+ pipeline runs?\./);
    // Power: this machine has none, and the page says so plainly (a machine with RAPL or nvidia-smi draws it).
    const power = page.locator("[data-power]");
    if ((await power.getAttribute("data-power")) === "none") {
      assert.match((await power.textContent()) ?? "", /No power was measured for this sweep: no power source on this machine/);
      assert.match((await page.locator("[data-fit]").textContent()) ?? "", /without power there is no efficiency to fit/);
    } else assert.equal(await page.locator("[data-chart='efficiency-fit']").count(), 1, "efficiency fitted against throughput");
    // The newest sweep is dynamic batching's profile (batch 1-4); choosing the other shows batch 1-8.
    assert.match((await power.textContent()) ?? "", /tiny_cnn on ort-cpu \(cpu\), 1 intra-op thread, 3 of 3 batch sizes measured/);
    const sweep = page.locator("form").filter({hasText: "Batch sweep"}).locator("select");
    await sweep.selectOption({index: 1});
    await page.waitForFunction(() => /4 of 4 batch sizes measured/.test(document.querySelector("[data-power]")?.textContent ?? ""), null, {timeout: 30_000});
    const ticks = await page.locator("[data-chart='batch-curve']").first().locator("g[aria-label='x-axis tick label'] text").allTextContents();
    assert.ok(["1", "2", "4", "8"].every((b) => ticks.includes(b)), `batch sizes on the axis: ${ticks}`);
    // Dynamic batching: both batchers drawn, a recommendation per request rate beside the measurement.
    const legend = (await page.locator("[data-chart='dynamic-curves']").first().textContent()) ?? "";
    assert.ok(legend.includes("no batching · 1 instance") && legend.includes("max 4 · delay 2000 µs · 1 instance"), `batchers: ${legend.slice(0, 200)}`);
    const recs = page.locator("form[class*='-table'] table").nth(1);
    assert.deepEqual(await recs.locator("tbody td:nth-child(2)").allTextContents(), ["50", "100"], "a recommendation per request rate");
    assert.ok((await page.locator("p").filter({hasText: "maximizing throughput (the profile has no power"}).count()) === 1, "says throughput decided, for want of power");
    // Pipelines: three modes, six workers, the same 200 images and results in each.
    assert.match((await page.locator("[data-pipeline-summary]").textContent()) ?? "", /200 generated 64x48 images resized to 3x32x32.*Every mode produced the same top-5 classes for every image\./);
    const workers = await page.locator("[data-chart='utilisation-bars'] g[aria-label='y-axis tick label'] text").allTextContents();
    assert.deepEqual(workers, ["sync · loop", "parallel · runner 1", "parallel · runner 2", "queue · host", "queue · inference 1", "queue · inference 2"]);
    assert.equal(await page.locator("[data-chart='pipeline-bars'] g[aria-label='bar'] rect").count(), 3);
  },
  "/quantization": async (page) => {
    // Speed-vs-agreement and per-layer SQNR: two charts; results, lowest layers and float ops: three tables.
    await waitForData(page, {charts: 2, tables: 3});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once quantization results exist");
    const label = (await page.locator("p.data-label").first().textContent()) ?? "";
    assert.match(label, /Quantized and measured on .+\(.+, \d+ cores; 6 quantized models/, `the page names the machine: ${label}`);
    assert.match(label, /generated images \(synthetic, no real data\)/, "generated inputs are said plainly");
    const rec = (await page.locator("[data-quant-recommendation]").textContent()) ?? "";
    assert.match(rec, /^Recommended for tiny_cnn: (minmax|percentile=99\.99|entropy) with [24] calibration inputs .*\d+% top-1 .* ms per inference/, `recommendation: ${rec}`);
    const sources = (await page.locator("p.data-label", {hasText: "Calibration:"}).textContent()) ?? "";
    assert.match(sources, /cosine and output SQNR compare logits '[^']+';/, `tiny_cnn ends in a Softmax, so its logits are compared: ${sources}`);
    // The results table: method x samples, each with INT8 and FP32 latency and an agreement.
    const results = page.locator("form[class*='-table'] table").first();
    const cells = await results.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    assert.deepEqual(cells.map((c) => `${c[1]} ${c[2]}`).sort(), ["entropy 2", "entropy 4", "minmax 2", "minmax 4", "percentile=99.99 2", "percentile=99.99 4"]);
    for (const c of cells) {
      assert.match(c[3], /^\d+\.\d\d$/, `INT8 ms: ${c}`);
      assert.match(c[5], /^\d+\.\d\d×$/, `speedup: ${c}`);
      assert.match(c[6], /^\d+\.\d%$/, `top-1 agreement: ${c}`);
    }
    // What stayed in float: tiny_cnn's final Softmax.
    const floats = await page.locator("form[class*='-table'] table").last().locator("tbody td").allTextContents();
    assert.ok(floats.includes("Softmax"), `float ops: ${floats}`);
    // The samples input redraws the per-layer chart with that calibration's lines.
    const samples = page.locator("form").filter({hasText: "Calibration samples"}).locator("select");
    await samples.selectOption({label: "2"});
    await page.waitForFunction(() => [...document.querySelectorAll("svg[class^='plot-'] text, [class*='-swatch']")].some((t) => /n=2/.test(t.textContent ?? "")), null, {timeout: 30_000});
    await waitForData(page, {charts: 2, tables: 3});
  },
  "/operators": async (page) => {
    // Share bars, waterfall and roofline: three charts; fusion map and roofline kernels: two tables.
    await waitForData(page, {charts: 3, tables: 2});
    assert.equal(await page.locator("[data-empty-store]").count(), 0, "no empty-store note once profiles exist");
    const label = (await page.locator("p.data-label").first().textContent()) ?? "";
    assert.match(label, /Profiled on .+\(.+, \d+ cores; 6 configurations/, `the page names the machine: ${label}`);
    assert.match(label, /Imported: tiny_cnn on tflite · test-board from .*tiny_cnn-test-board\.txt/, `imported profiles are listed: ${label}`);
    // The top-k table of tiny_cnn: local CPU and WASM at 'all' beside the imported TFLite profile.
    const model = page.locator("form").filter({hasText: "Model"}).locator("select").first();
    await model.selectOption("tiny_cnn");
    const table = page.locator("[data-topk-table]");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-topk-table] th.group")].some((th) => /imported/.test(th.textContent ?? "")), null, {timeout: 30_000});
    const groups = await table.locator("th.group").allTextContents();
    assert.equal(groups.length, 3, `three columns: ${groups}`);
    assert.ok(groups[0].startsWith("ort-cpu · ") && groups[1].startsWith("ort-wasm · "), `local columns first: ${groups}`);
    assert.equal(groups[2], "tflite · test-board (imported) · fp32", "the imported profile is marked");
    const shares = async (k: number) => {
      const rows = table.locator("tbody tr:not(.total)");
      assert.equal(await rows.count(), k, `${k} ranks shown`);
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      const totals = await table.locator("[data-total]").evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-total"))));
      return {cells, totals};
    };
    const four = await shares(4);
    // The total row adds up the shares shown in each column (cells: #, then op, %, count per column).
    four.totals.forEach((total, col) => {
      const sum = four.cells.reduce((a, row) => a + (parseFloat(row[2 + 3 * col]) || 0), 0);
      assert.ok(Math.abs(sum - total) < 0.2, `column ${col}: total ${total} vs shown ${sum}`);
    });
    // The imported column is exactly the TFLite table: CONV_2D 3 nodes x 280 µs of 296 µs.
    assert.deepEqual(four.cells[0].slice(7, 10), ["CONV_2D", "94.6%", "3"]);
    // Which op ranks first on a model this small is timing (ReorderOutput can beat Conv on a busy
    // machine), so check the naming only: NCHWc convolutions are listed as Conv, not as an nchwc op.
    const cpuOps = four.cells.map((row) => row[1]);
    assert.ok(cpuOps.includes("Conv"), `ONNX Runtime's NCHWc convolutions are profiled as Conv: ${cpuOps}`);
    assert.ok(!cpuOps.some((op) => /nchwc/i.test(op)), `no domain-qualified op names: ${cpuOps}`);
    // k is an input: top-2 shows two ranks and a smaller total.
    const k = page.locator("form").filter({hasText: "k (top-k)"}).locator("input[type=number]");
    await k.fill("2");
    await k.dispatchEvent("input");
    await page.waitForFunction(() => document.querySelectorAll("[data-topk-table] tbody tr:not(.total)").length === 2, null, {timeout: 30_000});
    const two = await shares(2);
    two.totals.forEach((t, i) => assert.ok(t <= four.totals[i] + 1e-9, "top-2 total <= top-4 total"));
    // The fusion map says what ORT fused: Conv+BatchNormalization+Relu into one NCHWc convolution, three times.
    await page.waitForFunction(() => [...document.querySelectorAll("form[class*='-table'] td")].some((td) => td.textContent === "Conv+BatchNormalization+Relu"), null, {timeout: 30_000});
    const fusion = page.locator("form[class*='-table'] table").first();
    const line = await fusion.locator("tbody tr", {hasText: "Conv+BatchNormalization+Relu"}).locator("td").allTextContents();
    assert.ok(line.includes("Conv (com.microsoft.nchwc, Relu)") && line.includes("3"), `fusion line: ${line}`);
    // The roofline names the memory-bound kernels against this host's ceilings.
    const bound = (await page.locator("[data-memory-bound]").textContent()) ?? "";
    assert.match(bound, /^\d+ of \d+$/, `memory-bound count: ${bound}`);
    // Devices side by side: the fleet devices' profiles of tiny_cnn at 'all', k = 2 as chosen above.
    const fleetTopk = page.locator("[data-fleet-topk-table]");
    await fleetTopk.waitFor();
    assert.deepEqual(await fleetTopk.locator("th.group").allTextContents(), ["ort-cpu · board-a", "ort-cpu · board-b"], "one column per fleet device");
    const fleetCells = await fleetTopk.locator("tbody tr:not(.total)").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    assert.equal(fleetCells.length, 2, "k applies to the fleet table too");
    assert.deepEqual([fleetCells[0][1], fleetCells[0][4]], ["Conv", "Conv"], `convolutions lead on both devices: ${JSON.stringify(fleetCells)}`);
    await waitForData(page, {charts: 3, tables: 2});
  }
};

/**
 * For the enclosing describe: fill a temporary store (or leave it empty), build the site from it,
 * serve it on 127.0.0.1 and start Chromium; all torn down afterwards.
 */
function siteUnderTest({seed}: {seed?: (store: string) => Promise<void>} = {}): {browser: Browser; origin: string} {
  const site = {} as {browser: Browser; origin: string};
  let close: (() => Promise<void>) | undefined;
  before(async () => {
    const store = await tempDir("inferscope-store-");
    const dist = await tempDir("inferscope-dist-");
    await seed?.(store);
    await buildSite({store, dist});
    ({url: site.origin, close} = await serveStatic(dist));
    site.browser = await launch();
  });
  after(async () => {
    await site.browser?.close();
    await close?.();
    // Leave no test data in Framework's cache for the user's next `npm run dev`.
    await rm(FRAMEWORK_CACHE, {recursive: true, force: true});
  });
  return site;
}

describe("pages in headless Chromium", () => {
  const site = siteUnderTest({seed: seedStore});

  it("every page in the sidebar has a check", () => {
    for (const p of config.pages) assert.ok(CHECKS[p.path], `missing browser check for page ${p.path}`);
  });

  for (const {name, path} of config.pages) {
    it(`${name} (${path}) renders with data and stays on this machine`, async () => {
      const {page, problems} = await openPage(site.browser, site.origin, path);
      try {
        await settled(page);
        await CHECKS[path](page);
        await page.waitForLoadState("networkidle");
        assert.deepEqual(problems, [], "no errors and no requests off the local server");
      } catch (error) {
        // Keep a picture of the failing page for the person reading the test output.
        const shot = join(PROJECT_ROOT, "test", "output", `page${path.replace(/\W+/g, "-")}-failed.png`);
        await mkdir(dirname(shot), {recursive: true});
        await page.screenshot({path: shot, fullPage: true}).catch(() => {});
        throw Object.assign(error as Error, {message: `${(error as Error).message}\n(screenshot: ${shot}; problems seen: ${JSON.stringify(problems)})`});
      } finally {
        await page.close();
      }
    });
  }
});

// A fresh clone before any collection: every page builds, renders without errors, and says how
// to fill the store instead of drawing anything.
describe("pages with an empty store", () => {
  const site = siteUnderTest();

  for (const {name, path} of config.pages) {
    it(`${name} (${path}) says how to fill the store`, async () => {
      const {page, problems} = await openPage(site.browser, site.origin, path);
      try {
        await settled(page);
        const note = page.locator("[data-empty-store]").first();
        await note.waitFor({timeout: 30_000});
        assert.match(await note.innerText(), /npm run collect|inferscope /, "the note names a command");
        await page.waitForLoadState("networkidle");
        assert.deepEqual(problems, [], "no errors and no requests off the local server");
      } finally {
        await page.close();
      }
    });
  }
});
