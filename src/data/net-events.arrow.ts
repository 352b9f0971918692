// bpftrace network events for the Timeline page. Each event is placed on a Triton trace's axis only
// when the two can share a clock: the log's kernel ns (bpftrace nsecs) and the trace's steady-clock
// ns overlap in range. Then trace_run_id names that import and trace_us is the event's time in us
// after the trace's first request (exact BIGINT difference). own_us counts from the log's first
// kernel timestamp; wall_s from its first printed wall-clock time (HH:MM:SS, one-second resolution).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  WITH traces AS (SELECT run_id, min(start_ns) AS t0, max(end_ns) AS t1 FROM triton_requests GROUP BY run_id),
  events AS (
    SELECT *, CASE WHEN regexp_full_match(wall_time, '\\d{1,2}:\\d{2}:\\d{2}')
                   THEN CAST(split_part(wall_time, ':', 1) AS INTEGER) * 3600 + CAST(split_part(wall_time, ':', 2) AS INTEGER) * 60 + CAST(split_part(wall_time, ':', 3) AS INTEGER) END AS wall_sec
    FROM net_events),
  logs AS (SELECT run_id, min(ts_ns) AS f0, max(ts_ns) AS f1, arg_min(wall_sec, line) AS w0 FROM events GROUP BY run_id)
  SELECT e.run_id, e.source_file, e.line, e.wall_time, e.pid, e.comm, e.family, e.saddr, e.sport, e.daddr, e.dport,
         e.direction, e.event, e.bytes, e.ts_ns IS NOT NULL AS has_kernel_time,
         (e.ts_ns - l.f0) / 1000.0 AS own_us,
         -- Past midnight the printed time wraps around.
         CASE WHEN e.wall_sec IS NOT NULL THEN (e.wall_sec - l.w0 + 86400) % 86400 END AS wall_s,
         t.run_id AS trace_run_id, (e.ts_ns - t.t0) / 1000.0 AS trace_us
  FROM events AS e JOIN logs AS l USING (run_id)
  LEFT JOIN traces AS t ON l.f0 <= t.t1 AND l.f1 >= t.t0
  ORDER BY e.run_id, e.line`);
