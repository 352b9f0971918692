// Headless Debian Chromium through playwright-core, recording everything that would make a page
// unusable offline: page errors, console errors, failed requests, and requests to other hosts.
import {chromium, type Browser, type Page} from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
  });
}

export interface PageProblems {
  problems: string[];
}

export async function openPage(browser: Browser, origin: string, path: string): Promise<{page: Page; problems: string[]}> {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) problems.push(`request to another host: ${url}`);
  });
  await page.goto(`${origin}${path}`, {waitUntil: "networkidle"});
  return {page, problems};
}
