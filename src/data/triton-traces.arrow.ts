// One row per `inferscope import triton` run for the Timeline page: its files, when and where it was
// imported, and its first timestamp (as exact text: the steady-clock ns the page's times count from).
import {printArrow} from "../../loaders/store/loader.ts";

// run_kind says how the trace got here: 'collect serving' (measured live on this machine by
// `npm run collect:serving`) or 'import triton' (a file brought from a server run elsewhere).
await printArrow(`
  SELECT t.*, coalesce(r.kind, 'import triton') AS run_kind FROM (
  SELECT run_id, any_value(collected_at) AS collected_at, any_value(host_name) AS host_name,
         string_agg(DISTINCT source_file, ', ' ORDER BY source_file) AS files,
         string_agg(DISTINCT layout, ', ') AS layouts,
         count(*) AS requests, count(DISTINCT model) AS models,
         CAST(min(start_ns) AS VARCHAR) AS first_ns,
         (max(end_ns) - min(start_ns)) / 1000.0 AS span_us
  FROM triton_requests
  GROUP BY run_id) AS t
  LEFT JOIN (SELECT run_id, any_value(kind) AS kind FROM runs GROUP BY run_id) AS r USING (run_id)
  ORDER BY t.collected_at DESC`);
