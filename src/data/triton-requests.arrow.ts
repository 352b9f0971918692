// Triton requests for the Timeline page: one row per request, times as DOUBLE microseconds after the
// first request of its import (one import = one server run, one steady clock), computed from the
// stored BIGINT ns by exact differences. Stages: loaders/formats/triton-trace/stages.ts.
import {printArrow} from "../../loaders/store/loader.ts";
import {stageColumnsSql} from "../../loaders/formats/triton-trace/stages.ts";

await printArrow(`
  WITH origin AS (SELECT run_id, min(start_ns) AS t0 FROM triton_requests GROUP BY run_id)
  SELECT r.run_id, r.source_file, r.layout, r.trace_id, r.parent_id, r.root_id, r.request_id,
         r.model, r.model_version, r.frontend, r.is_ensemble,
         (r.start_ns - o.t0) / 1000.0 AS start_at,
         (r.end_ns - r.start_ns) / 1000.0 AS total_us,
         -- Requests of one top-level request (ensemble steps, BLS calls) stay together in the Gantt.
         min((r.start_ns - o.t0) / 1000.0) OVER (PARTITION BY r.run_id, r.source_file, coalesce(r.root_id, r.trace_id)) AS family_at,
         r.infer_us, r.request_us,
         ${stageColumnsSql("o.t0")}
  FROM triton_requests AS r JOIN origin AS o USING (run_id)
  ORDER BY r.run_id, start_at`);
