// Operators page, devices side by side: every op type's rank and share of operator time per model,
// runtime and opt level on each fleet device (profiles `inferscope fleet run -- profile` brought back;
// the latest per device, warm-up runs left out), with the same top-k SQL as `inferscope ops top`.
import {printProfileArrow} from "../../loaders/profile/views.ts";
import {topOpsSql} from "../../loaders/ops/topk.ts";
import {sqlString} from "../../loaders/store/schema.ts";

await printProfileArrow(async (connection) => {
  await connection.run(`CREATE OR REPLACE TEMP VIEW fleet_op_timed AS
    SELECT p.* EXCLUDE (device, opt_level), f.device AS device, coalesce(p.opt_level, '?') AS opt_level
    FROM op_profiles p
    JOIN (SELECT DISTINCT device, remote_run_id FROM fleet_devices WHERE remote_run_id IS NOT NULL) f ON f.remote_run_id = p.run_id
    LEFT JOIN op_profile_runs r ON r.run_id = p.run_id AND r.source_file = p.source_file
    WHERE p.source = 'local' AND (r.warmup_runs IS NULL OR p.run_index IS NULL OR p.run_index >= r.warmup_runs)
    QUALIFY dense_rank() OVER (PARTITION BY f.device, p.model, p.runtime, p.opt_level ORDER BY p.collected_at DESC) = 1`);
  const pairs = (await connection.runAndReadAll("SELECT DISTINCT model, opt_level FROM fleet_op_timed ORDER BY 1, 2")).getRowObjectsJS() as {model: string; opt_level: string}[];
  if (pairs.length === 0) return `SELECT * REPLACE (${sqlString("")} AS opt_levels) FROM (${topOpsSql({model: "", k: 10_000, table: "fleet_op_timed"})}) WHERE false`;
  return pairs.map((p) => `SELECT * FROM (${topOpsSql({model: p.model, optLevel: p.opt_level, k: 10_000, table: "fleet_op_timed"})})`).join("\nUNION ALL\n");
});
