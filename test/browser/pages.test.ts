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
    // Inputs react: unticking every runtime but one leaves one column.
    const boxes = page.locator("form[class*='-checkbox']").filter({hasText: "Runtime · device"}).locator("input[type=checkbox]");
    const n = await boxes.count();
    for (let i = 1; i < n; i++) await boxes.nth(i).uncheck();
    await page.waitForFunction(() => document.querySelectorAll("[data-latency-table] thead th").length === 4, null, {timeout: 30_000});
  }
};

describe("pages in headless Chromium", () => {
  let browser: Browser;
  let origin: string;
  let close: () => Promise<void>;

  before(async () => {
    const store = await tempDir("inferscope-store-");
    const dist = await tempDir("inferscope-dist-");
    await seedStore(store);
    await buildSite({store, dist});
    ({url: origin, close} = await serveStatic(dist));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await close?.();
    // Leave no test data in Framework's cache for the user's next `npm run dev`.
    await rm(FRAMEWORK_CACHE, {recursive: true, force: true});
  });

  it("every page in the sidebar has a check", () => {
    for (const p of config.pages) assert.ok(CHECKS[p.path], `missing browser check for page ${p.path}`);
  });

  for (const {name, path} of config.pages) {
    it(`${name} (${path}) renders with data and stays on this machine`, async () => {
      const {page, problems} = await openPage(browser, origin, path);
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
