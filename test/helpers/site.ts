// Build the site from a given store into a given folder, the way `npm run build` does.
import {execa} from "execa";
import {rm} from "node:fs/promises";
import {join} from "node:path";
import {PROJECT_ROOT} from "../../loaders/store/store.ts";

export const FRAMEWORK_CACHE = join(PROJECT_ROOT, "src", ".observablehq", "cache");

export async function buildSite({store, dist}: {store: string; dist: string}): Promise<void> {
  // Data loader outputs are cached by Framework; clear them so the pages read this store.
  await rm(FRAMEWORK_CACHE, {recursive: true, force: true});
  const bin = join(PROJECT_ROOT, "node_modules", ".bin");
  const r = await execa(join(bin, "observable"), ["build"], {
    cwd: PROJECT_ROOT,
    reject: false,
    env: {INFERSCOPE_STORE: store, INFERSCOPE_DIST: dist, PATH: `${bin}:${process.env.PATH}`},
    all: true,
    timeout: 300_000
  });
  if (r.exitCode !== 0) throw new Error(`observable build failed (exit ${r.exitCode}):\n${String(r.all).slice(-4000)}`);
}
