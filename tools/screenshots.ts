// Screenshots of every page for the README: builds the site from the current store into a
// temporary folder, opens each page in headless Chromium and saves docs/screenshots/<page>.png.
//   npm run screenshots

import {mkdtempSync, rmSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import config from "../observablehq.config.ts";
import {PROJECT_ROOT, storeRoot} from "../loaders/store/store.ts";
import {launch, openPage} from "../test/helpers/browser.ts";
import {buildSite} from "../test/helpers/site.ts";
import {serveStatic} from "../test/helpers/static-server.ts";

const dist = mkdtempSync(join(tmpdir(), "inferscope-shots-"));
try {
  process.stderr.write(`building the site from ${storeRoot()}\n`);
  await buildSite({store: storeRoot(), dist});
  const {url, close} = await serveStatic(dist);
  const browser = await launch();
  const out = join(PROJECT_ROOT, "docs", "screenshots");
  await mkdir(out, {recursive: true});
  for (const [i, {name, path}] of config.pages.entries()) {
    const {page, problems} = await openPage(browser, url, path);
    await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, {timeout: 60_000});
    await page.waitForTimeout(1000);
    const file = join(out, `${path === "/" ? "overview" : path.slice(1)}.png`);
    await page.screenshot({path: file, fullPage: true});
    process.stderr.write(`[${i + 1}/${config.pages.length}] ${name}: ${file}${problems.length ? ` (problems: ${problems.join("; ")})` : ""}\n`);
    await page.close();
  }
  await browser.close();
  await close();
} finally {
  rmSync(dist, {recursive: true, force: true});
  // The build filled Framework's cache from this store; the next dev/build clears it anyway.
}
