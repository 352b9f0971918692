// What `inferscope profile` prints when it is done: the top-k operators of each configuration it
// just profiled (warm-up runs left out), computed from the stored rows with the same SQL as
// `inferscope ops top` and the Operators page.

import {sqlString} from "../store/schema.ts";
import {openStore} from "../store/store.ts";
import {topOpsSql, type TopOpRow} from "../ops/topk.ts";
import type {ProfileRunRow} from "./collector.ts";

export async function topOpsOfRun(runId: string, configs: readonly ProfileRunRow[], {k = 4, root}: {k?: number; root?: string} = {}): Promise<Map<ProfileRunRow, TopOpRow[]>> {
  const store = await openStore(root);
  const out = new Map<ProfileRunRow, TopOpRow[]>();
  try {
    await store.connection.run(`CREATE TEMP VIEW this_run AS SELECT * FROM op_profiles WHERE run_id = ${sqlString(runId)}`);
    for (const c of configs) {
      if (c.status !== "ok" || !c.source_file) continue;
      await store.connection.run(`CREATE OR REPLACE TEMP VIEW this_config AS SELECT * FROM this_run WHERE source_file = ${sqlString(c.source_file)}`);
      const sql = topOpsSql({model: c.model, runtime: c.runtime, device: c.device, optLevel: c.opt_level, k, skipRuns: c.warmup_runs, table: "this_config"});
      out.set(c, (await store.connection.runAndReadAll(sql)).getRowObjectsJS() as unknown as TopOpRow[]);
    }
  } finally {
    store.close();
  }
  return out;
}

export function formatTopOps(c: ProfileRunRow, rows: readonly TopOpRow[], k: number): string {
  const width = Math.max(2, ...rows.map((r) => r.op.length));
  const lines = [`${c.model} on ${c.runtime}, opt ${c.opt_level}, ${c.threads} thread${c.threads > 1 ? "s" : ""} (${c.runs} runs after ${c.warmup_runs} warm-up)`];
  lines.push(`   #  ${"op".padEnd(width)}   share   count`);
  for (const r of rows) lines.push(`  ${String(r.rank).padStart(2)}  ${r.op.padEnd(width)}  ${`${r.share_pct.toFixed(1)}%`.padStart(6)}  ${(Number.isInteger(r.count) ? String(r.count) : r.count.toFixed(2)).padStart(6)}`);
  lines.push(`      ${`top-${Math.min(k, rows.length)}`.padEnd(width)}  ${`${rows.reduce((a, r) => a + r.share_pct, 0).toFixed(1)}%`.padStart(6)}`);
  return lines.join("\n");
}
