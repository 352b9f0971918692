import {UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {duration, jsonReplacer, table, utc} from "../../history/format.ts";
import {listRuns} from "../../history/runs.ts";
import {storeRoot} from "../../store/store.ts";

export default defineCommand({
  usage: "[--kind K] [--status S] [--limit N] [--json]",
  description: "List the runs in the store, newest first: id, start time, duration, kind, status, rows written, host, and the error of a failed run.",
  options: {
    kind: {type: "string", arg: "K", description: "only runs of this kind (bench, collect, import triton, ...)"},
    status: {type: "string", arg: "S", description: "only runs that ended ok, failed or cancelled"},
    limit: {type: "string", arg: "N", default: "20", description: "show the newest N runs (0: all)"},
    json: {type: "boolean", description: "print JSON (every column of the runs dataset) instead of a table"}
  },
  positionals: false,
  details: "Then: `inferscope runs show <id>` for one run, `inferscope runs compare previous latest` for what changed.",
  async run({values}) {
    const limit = Number(values.limit ?? "20");
    if (!Number.isInteger(limit) || limit < 0) throw new UserError(`runs list: --limit expects a whole number, got '${values.limit}'`, {hint: "e.g. --limit 50, or --limit 0 for every run"});
    if (values.status && !["ok", "failed", "cancelled"].includes(values.status)) throw new UserError(`runs list: unknown --status '${values.status}'`, {hint: "One of: ok, failed, cancelled."});
    const runs = await listRuns({kind: values.kind, status: values.status, limit});
    if (values.json) {
      process.stdout.write(`${JSON.stringify({store: storeRoot(), runs}, jsonReplacer, 2)}\n`);
      return;
    }
    if (runs.length === 0) {
      process.stdout.write(`no runs${values.kind || values.status ? " match" : ` in ${storeRoot()} yet: \`npm run collect\` adds one`}\n`);
      return;
    }
    const rows = [["run", "started (UTC)", "took", "kind", "status", "rows", "host", "commit"]];
    for (const r of runs) {
      rows.push([r.run_id, utc(r.collected_at).slice(0, 16), duration(r.collected_at, r.ended_at), r.kind, r.status, String(r.rows_written), r.host_name, r.git_commit?.slice(0, 8) ?? "-"]);
    }
    const lines = table(rows, {right: [5]}).split("\n");
    const out: string[] = [lines[0]];
    runs.forEach((r, i) => {
      out.push(lines[i + 1]);
      if (r.error) out.push(`    ${r.status === "failed" ? "error" : "note"}: ${r.error.split("\n")[0].slice(0, 160)}`);
    });
    process.stdout.write(`${out.join("\n")}\n`);
  }
});
