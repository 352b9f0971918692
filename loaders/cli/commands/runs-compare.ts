import {UserError} from "../../common/errors.ts";
import {defineCommand} from "../command.ts";
import {CONFIDENCE, DEFAULT_THRESHOLD_PCT, RESAMPLES, compareRuns, type Verdict} from "../../history/compare.ts";
import {jsonReplacer, ms, pct, table, utc} from "../../history/format.ts";
import {benchRowsOf, resolveRunId} from "../../history/runs.ts";

/** Exit code of --fail-on-regression when a regression is flagged (1 is a usage error). */
export const REGRESSION_EXIT = 3;

export default defineCommand({
  usage: "<a> <b> [--threshold PCT] [--any-host] [--json] [--fail-on-regression]",
  description:
    "Compare two benchmark runs (a before, b after; ids, unique prefixes, `previous` or `latest`): per configuration in both, the change in median latency with a 95% bootstrap confidence interval, flagged as a regression or improvement only when the interval excludes no change and the change is larger than the threshold.",
  options: {
    threshold: {type: "string", arg: "PCT", default: String(DEFAULT_THRESHOLD_PCT), description: "smallest change in the median, in percent, worth flagging"},
    "any-host": {type: "boolean", description: "match configurations measured on different hosts too (default: same config_id and same host)"},
    json: {type: "boolean", description: "print JSON: {a, b, threshold_pct, confidence, resamples, method, changes:[...], only_in_a, only_in_b, without_samples, summary}"},
    "fail-on-regression": {type: "boolean", description: `exit with code ${REGRESSION_EXIT} when a regression is flagged (for scheduled jobs)`}
  },
  details: [
    `Method: ${RESAMPLES} seeded bootstrap resamples of each run's timed samples; the ${100 * CONFIDENCE}% percentile interval of the ratio of medians b/a.`,
    "The seed is derived from the run and configuration, so the same runs always give the same result (the History page uses the same numbers).",
    "A Mann-Whitney rank test p-value is shown for reference. Configurations with fewer than 5 samples get no verdict.",
    "",
    "Example: inferscope runs compare previous latest --fail-on-regression"
  ].join("\n"),
  async run({values, positionals}) {
    if (positionals.length !== 2) throw new UserError("runs compare: give two runs, before and after", {hint: "e.g. `inferscope runs compare previous latest`; `inferscope runs list --kind bench` shows the ids."});
    const threshold_pct = Number(values.threshold);
    if (!Number.isFinite(threshold_pct) || threshold_pct < 0) throw new UserError(`runs compare: --threshold expects a percentage >= 0, got '${values.threshold}'`, {hint: "e.g. --threshold 5"});
    const a = await resolveRunId(positionals[0], {benchOnly: true});
    const b = await resolveRunId(positionals[1], {benchOnly: true});
    if (a === b) throw new UserError(`runs compare: '${positionals[0]}' and '${positionals[1]}' are the same run (${a})`, {hint: "Give two different runs."});
    const rows = await benchRowsOf([a, b]);
    const aRows = rows.filter((r) => r.run_id === a);
    const bRows = rows.filter((r) => r.run_id === b);
    const anyHost = values["any-host"] ?? false;
    const result = compareRuns(aRows, bRows, {anyHost, threshold_pct});
    const side = (id: string, r: typeof rows) => ({run_id: id, collected_at: r[0]?.collected_at ?? null, host_name: r[0]?.host_name ?? null, host_id: r[0]?.host_id ?? null});
    const summary: Record<Verdict, number> = {regression: 0, improvement: 0, unchanged: 0, insufficient: 0};
    for (const c of result.changes) summary[c.verdict]++;
    if (result.changes.length === 0) {
      const hostsA = [...new Set(aRows.map((r) => r.host_name))];
      const hostsB = [...new Set(bRows.map((r) => r.host_name))];
      const otherHost = !anyHost && aRows.length && bRows.length && !hostsA.some((h) => hostsB.includes(h));
      throw new UserError(`runs compare: ${a} and ${b} have no configuration with samples in common${otherHost ? ` (measured on different hosts: ${hostsA.join(", ")} and ${hostsB.join(", ")})` : ""}`, {
        hint: otherHost ? "Pass --any-host to compare across machines." : "`inferscope runs show <id>` lists each run's configurations."
      });
    }
    if (values.json) {
      const out = {
        a: side(a, aRows),
        b: side(b, bRows),
        threshold_pct,
        confidence: CONFIDENCE,
        resamples: RESAMPLES,
        method: "bootstrap percentile interval of the ratio of medians (seeded per run and configuration)",
        any_host: anyHost,
        changes: result.changes,
        only_in_a: result.only_in_a,
        only_in_b: result.only_in_b,
        without_samples: result.without_samples,
        summary
      };
      process.stdout.write(`${JSON.stringify(out, jsonReplacer, 2)}\n`);
    } else {
      const head = (id: string, r: typeof rows) => `${id} (${utc(r[0]?.collected_at)} UTC on ${r[0]?.host_name ?? "?"})`;
      const t = [["configuration", ...(anyHost ? ["hosts"] : []), "a ms", "b ms", "change", `${100 * CONFIDENCE}% CI`, "p", "verdict"]];
      for (const c of result.changes) {
        t.push([
          c.config_id,
          ...(anyHost ? [c.a_host === c.b_host ? c.a_host : `${c.a_host} -> ${c.b_host}`] : []),
          `${ms(c.a_median_ms)} (${c.a_n})`,
          `${ms(c.b_median_ms)} (${c.b_n})`,
          pct(c.change_pct),
          c.verdict === "insufficient" ? "-" : `[${pct(c.ci_low_pct)}, ${pct(c.ci_high_pct)}]`,
          Number.isFinite(c.p_value) ? c.p_value.toFixed(3) : "-",
          c.verdict === "regression" || c.verdict === "improvement" ? c.verdict.toUpperCase() : c.verdict === "insufficient" ? "too few samples" : "unchanged"
        ]);
      }
      const lines = [
        `a: ${head(a, aRows)}`,
        `b: ${head(b, bRows)}`,
        `median latency b vs a; flagged when the ${100 * CONFIDENCE}% bootstrap interval excludes 0% and |change| > ${threshold_pct}%`,
        "",
        table(t),
        "",
        `${summary.regression} regression${summary.regression === 1 ? "" : "s"}, ${summary.improvement} improvement${summary.improvement === 1 ? "" : "s"}, ${summary.unchanged} unchanged${summary.insufficient ? `, ${summary.insufficient} with too few samples` : ""}`
      ];
      if (result.only_in_a.length) lines.push(`only in a: ${result.only_in_a.join(", ")}`);
      if (result.only_in_b.length) lines.push(`only in b: ${result.only_in_b.join(", ")}`);
      for (const w of result.without_samples) lines.push(`not compared: ${w.config_id} in ${w.run_id}: ${w.reason}`);
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return values["fail-on-regression"] && summary.regression > 0 ? REGRESSION_EXIT : 0;
  }
});
