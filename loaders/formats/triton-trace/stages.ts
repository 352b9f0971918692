// The stages of a request laid end to end on a timeline (the Timeline page's stage timeline and
// per-request Gantt), as SQL over triton_requests' ns points.
//
// trace_summary.py's intervals (intervals.ts) overlap and nest (handler contains queue and compute;
// the overheads are remainders with no place in time), so they cannot be drawn one after another.
// These stages are instead the spans between consecutive points of the request, in the order
// Triton records them; each is null when the request lacks one of its two points, or when the
// two points come in the other order (then the stage did not happen between them for that request).
//
//   receive         RECV_START -> RECV_END               network + frontend receive (HTTP recv, gRPC wait/read)
//   frontend        RECV_END (else REQUEST_START) -> QUEUE_START (else REQUEST_START), when one of
//                   RECV_END and QUEUE_START exists      parse, hand to the server, schedule
//   queue           QUEUE_START -> COMPUTE_START
//   compute_input   COMPUTE_START -> COMPUTE_INPUT_END
//   compute_infer   COMPUTE_INPUT_END -> COMPUTE_OUTPUT_START
//   compute_output  COMPUTE_OUTPUT_START -> COMPUTE_END
//   compute         COMPUTE_START -> COMPUTE_END          only when the backend gave no input/output breakdown
//   ensemble        REQUEST_START -> REQUEST_END          ensemble requests: the composing models' steps
//   response        COMPUTE_END (ensembles: REQUEST_END) -> SEND_START (in-process requests: REQUEST_END)
//   send            SEND_START -> SEND_END
//
// REQUEST_END is left out elsewhere on purpose: Triton records it when the request is released,
// which can come before or after the response is sent.

export interface TimelineStage {
  key: string;
  label: string;
  /** SQL for the start point (ns, BIGINT) over triton_requests columns. */
  from: string;
  /** SQL for the end point. */
  to: string;
}

export const TIMELINE_STAGES: readonly TimelineStage[] = [
  {key: "receive", label: "network + frontend receive", from: "recv_start_ns", to: "recv_end_ns"},
  {key: "frontend", label: "frontend + scheduling", from: "CASE WHEN recv_end_ns IS NOT NULL OR queue_start_ns IS NOT NULL THEN coalesce(recv_end_ns, request_start_ns) END", to: "coalesce(queue_start_ns, request_start_ns)"},
  {key: "queue", label: "queue", from: "queue_start_ns", to: "compute_start_ns"},
  {key: "compute_input", label: "compute input", from: "compute_start_ns", to: "compute_input_end_ns"},
  {key: "compute_infer", label: "compute infer", from: "compute_input_end_ns", to: "compute_output_start_ns"},
  {key: "compute_output", label: "compute output", from: "compute_output_start_ns", to: "compute_end_ns"},
  {key: "compute", label: "compute", from: "CASE WHEN compute_input_end_ns IS NULL OR compute_output_start_ns IS NULL THEN compute_start_ns END", to: "compute_end_ns"},
  {key: "ensemble", label: "ensemble steps", from: "CASE WHEN is_ensemble THEN request_start_ns END", to: "request_end_ns"},
  {key: "response", label: "response", from: "CASE WHEN is_ensemble THEN request_end_ns ELSE compute_end_ns END", to: "coalesce(send_start_ns, CASE WHEN NOT is_ensemble THEN request_end_ns END)"},
  {key: "send", label: "send", from: "send_start_ns", to: "send_end_ns"}
];

/**
 * Two DOUBLE columns per stage: `<key>_at`, its start in microseconds after `originNs` (a BIGINT SQL
 * expression), and `<key>_us`, its duration. Both come from exact BIGINT differences, so only the
 * final division rounds.
 */
export function stageColumnsSql(originNs: string): string {
  return TIMELINE_STAGES.map(({key, from, to}) => {
    const ok = `(${from}) IS NOT NULL AND (${to}) IS NOT NULL AND (${to}) >= (${from})`;
    return `CASE WHEN ${ok} THEN ((${from}) - ${originNs}) / 1000.0 END AS ${key}_at,\n  CASE WHEN ${ok} THEN ((${to}) - (${from})) / 1000.0 END AS ${key}_us`;
  }).join(",\n  ");
}
