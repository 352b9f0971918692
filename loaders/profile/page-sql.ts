// The Operators page's tables (src/data/op*.arrow.ts), over the views in views.ts.

/** Per node of each profile: time per run (timed runs only), bytes, FLOPs (fusion map), host ceilings. */
export const OP_NODES_SQL = `
WITH runs AS (
  SELECT run_id, source_file, count(DISTINCT coalesce(run_index, -1)) AS runs
  FROM op_timed WHERE scope = 'node' GROUP BY ALL
),
nodes AS (
  SELECT run_id, source_file, model, runtime, device, opt_level, source, node_name,
         any_value(host_id) AS host_id, any_value(threads) AS threads,
         any_value(op_type) AS op_type, any_value(fused_domain) AS fused_domain, any_value(fused_activation) AS fused_activation,
         sum(duration_us * executions) AS total_us, sum(executions) AS executions,
         any_value(activation_bytes) AS activation_bytes, any_value(parameter_bytes) AS parameter_bytes, any_value(output_bytes) AS output_bytes
  FROM op_timed WHERE scope = 'node' GROUP BY ALL
)
SELECT n.model, n.runtime, n.device, n.opt_level, n.source, n.node_name, n.op_type, n.fused_domain, n.fused_activation,
       n.runtime || ' · ' || n.device AS target,
       n.total_us / r.runs AS time_us, n.executions / r.runs AS executions, r.runs,
       n.activation_bytes + n.parameter_bytes + n.output_bytes AS bytes,
       f.flops, f.kind, f.original_ops, n.threads,
       CASE WHEN n.source = 'local' THEN (SELECT max(best) FROM roofline_best h WHERE h.host_id = n.host_id AND metric = 'compute' AND h.threads <= n.threads) END AS peak_gflops,
       CASE WHEN n.source = 'local' THEN (SELECT max(best) FROM roofline_best h WHERE h.host_id = n.host_id AND metric = 'memory' AND h.threads <= n.threads) END AS bandwidth_gbs
FROM nodes n
JOIN runs r USING (run_id, source_file)
LEFT JOIN fusion_maps f ON f.run_id = n.run_id AND f.source_file = n.source_file AND f.node_name = n.node_name
ORDER BY n.model, target, n.opt_level, time_us DESC`;

/**
 * One run of each profile, node by node: the median run by summed kernel time among the timed runs
 * (the first one after the warm-up may have been slowed by anything else on the machine); for an
 * imported averaged table, the one table.
 */
export const OP_WATERFALL_SQL = `
WITH per_run AS (
  SELECT run_id, source_file, run_index, sum(duration_us * executions) AS total_us
  FROM op_timed WHERE scope = 'node' AND start_us IS NOT NULL GROUP BY ALL
),
pick AS (
  SELECT run_id, source_file, run_index FROM per_run
  QUALIFY row_number() OVER (PARTITION BY run_id, source_file ORDER BY total_us, run_index) = (count(*) OVER (PARTITION BY run_id, source_file) + 1) // 2
)
SELECT o.model, o.runtime, o.device, o.opt_level, o.source, o.runtime || ' · ' || o.device AS target, o.run_index,
       o.node_name, o.op_type, o.start_us, o.duration_us * o.executions AS duration_us
FROM op_timed o
JOIN pick p ON o.run_id = p.run_id AND o.source_file = p.source_file AND o.run_index IS NOT DISTINCT FROM p.run_index
WHERE o.scope = 'node' AND o.start_us IS NOT NULL
ORDER BY o.model, target, o.opt_level, o.start_us`;

/** Fusion maps of the latest local profiles: one line per distinct rewrite, with counts and FLOPs. */
export const OP_FUSION_SQL = `
SELECT f.model, f.runtime, r.host_name AS device, f.opt_level, f.runtime || ' · ' || r.host_name AS target,
       coalesce(f.original_ops, '(none)') AS original_ops, f.op_type, f.fused_domain, f.fused_activation, f.kind,
       count(*)::INTEGER AS count, sum(f.flops) AS flops, any_value(f.graph_source) AS graph_source
FROM fusion_maps f
JOIN op_latest_runs r ON f.run_id = r.run_id AND f.source_file = r.source_file
GROUP BY ALL
ORDER BY f.model, target, f.opt_level, count DESC, original_ops`;

/** What the page shows: local configurations (latest per host) and imported files, plus each host's ceilings. */
export const OP_RUNS_SQL = `
SELECT 'local' AS source, model, runtime, host_name AS device, opt_level, threads, batch, warmup_runs, runs,
       median_ms, op_time_median_ms, fusion_status, run_id, collected_at, host_name, host_cpu, host_cores, NULL AS source_file,
       (SELECT max(best) FROM roofline_best h WHERE h.host_id = r.host_id AND metric = 'compute' AND h.threads <= r.threads) AS peak_gflops,
       (SELECT max(best) FROM roofline_best h WHERE h.host_id = r.host_id AND metric = 'memory' AND h.threads <= r.threads) AS bandwidth_gbs
FROM op_latest_runs r
UNION ALL
SELECT 'imported', model, runtime, device_raw, opt_level, NULL, NULL, NULL, count(DISTINCT coalesce(run_index, -1)),
       NULL, NULL, NULL, any_value(run_id), max(collected_at), any_value(host_name), NULL, NULL, source_file, NULL, NULL
FROM op_timed WHERE source <> 'local'
GROUP BY model, runtime, device_raw, opt_level, source_file
ORDER BY source DESC, model, runtime, opt_level`;
