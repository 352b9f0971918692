import {UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {duration, jsonReplacer, ms, table, utc} from "../../history/format.ts";
import {benchRowsOf, resolveRunId, rowsPerDataset, runRow} from "../../history/runs.ts";

/** A run's configuration, one key per line; lists of objects (e.g. the benchmark's configurations) one item per line. */
function configLines(text: string | null | undefined): string[] {
  if (!text) return ["-"];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [text];
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return [JSON.stringify(value)];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.some((x) => x && typeof x === "object")) {
      lines.push(`${k}: ${v.length} item${v.length === 1 ? "" : "s"}`, ...v.map((x) => `  ${JSON.stringify(x)}`));
    } else {
      lines.push(`${k}: ${JSON.stringify(v)}`);
    }
  }
  return lines.length ? lines : ["{}"];
}

export default defineCommand({
  usage: "<run-id | prefix | latest | previous> [--json]",
  description: "Show one run: how it ended, when, the command and full configuration, the git commit of inferscope, the host fingerprint with library versions, what it wrote, and for a benchmark run each configuration's median.",
  options: {json: {type: "boolean", description: "print JSON instead of text"}},
  async run({values, positionals}) {
    if (positionals.length !== 1) throw new UserError("runs show: give one run id", {hint: "e.g. `inferscope runs show latest`; `inferscope runs list` shows the ids."});
    const id = await resolveRunId(positionals[0]);
    const [run, rows, bench] = await Promise.all([runRow(id), rowsPerDataset(id), benchRowsOf([id])]);
    const configurations = bench.map(({samples_ms, ...r}) => ({...r, samples: samples_ms?.length ?? 0}));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({run_id: id, run, rows, configurations}, jsonReplacer, 2)}\n`);
      return;
    }
    const lines: string[] = [`run       ${id}`];
    if (!run) {
      lines.push("status    unknown: the store has data of this run but no run record (the run was killed before it ended)");
    } else {
      const libs = (() => {
        try {
          return Object.entries(JSON.parse(run.host_libs) as Record<string, string | null>).map(([k, v]) => `${k} ${v ?? "-"}`).join(", ");
        } catch {
          return run.host_libs;
        }
      })();
      lines.push(
        `kind      ${run.kind}`,
        `status    ${run.status}${run.error ? `: ${run.error}` : ""}`,
        `started   ${utc(run.collected_at)} UTC`,
        `ended     ${utc(run.ended_at)} UTC (took ${duration(run.collected_at, run.ended_at)})`,
        `command   ${run.command}`,
        `commit    ${run.git_commit ?? "- (not run from a git checkout)"}`,
        `host      ${run.host_name} (${run.host_id}): ${run.host_cpu}, ${run.host_cores} cores, ${run.host_memory_gb} GiB, ${run.host_os}`,
        `software  Node ${run.host_node}, ${libs}`,
        `config    ${configLines(run.config).join("\n          ")}`
      );
    }
    const wrote = Object.entries(rows);
    lines.push(`wrote     ${wrote.length ? wrote.map(([d, n]) => `${n} row${n === 1 ? "" : "s"} in ${d}`).join(", ") : "no data rows"}`);
    if (configurations.length) {
      lines.push("", "configurations:");
      const t = [["config_id", "status", "median ms", "p90 ms", "cv", "samples"]];
      for (const c of configurations) {
        const r = c as unknown as Record<string, unknown>;
        t.push([c.config_id, c.status, ms(r.median_ms as number), ms(r.p90_ms as number), r.cv == null ? "-" : `${(100 * (r.cv as number)).toFixed(1)}%`, String(c.samples)]);
      }
      lines.push(...table(t, {right: [2, 3, 4, 5]}).split("\n").map((l) => `  ${l}`));
      const failed = configurations.filter((c) => c.status !== "ok" && c.error);
      for (const c of failed) lines.push(`  ${c.config_id}: ${c.error}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
});
