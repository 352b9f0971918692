// The intervals of one request, defined as Triton's qa/common/trace_summary.py defines them
// (triton-inference-server/server; read via the search tool, versions of 2019 and 2019-2022):
//
//   infer             frontend RECV_START -> SEND_END     HTTP_RECV_START/GRPC_WAITREAD_START -> HTTP_SEND_END/GRPC_SEND_END;
//                                                         only when both exist (add_frontend_span)
//   receive           RECV_START -> RECV_END              "Receive" (HTTP) / "Wait/Read" (gRPC), with infer
//   send              SEND_START -> SEND_END              with infer
//   request           REQUEST_START -> REQUEST_END        "Handler"; a request counts only if it has both
//   queue             QUEUE_START -> COMPUTE_START        if both exist (ensembles have neither)
//   compute           COMPUTE_START -> COMPUTE_END        if both exist
//   compute_input     COMPUTE_START -> COMPUTE_INPUT_END      } only when COMPUTE_INPUT_END and
//   compute_infer     COMPUTE_INPUT_END -> COMPUTE_OUTPUT_START } COMPUTE_OUTPUT_START both exist
//   compute_output    COMPUTE_OUTPUT_START -> COMPUTE_END    }
//   frontend_overhead infer - request - receive - send    "Overhead" under the frontend
//   handler_overhead  request - queue - compute           "Overhead" under Handler
//
// The 1.x names map onto the same points ("request handler start" is REQUEST_START, ...). The earliest
// 1.x builds had only "http infer start"/"http infer end"; for them the first trace_summary.py used
// infer = infer start -> infer end, receive = infer start -> request handler start,
// send = compute end -> infer end, and that is what is used here for such requests.

import {P} from "./names.ts";

export const INTERVALS = [
  "infer",
  "receive",
  "send",
  "frontend_overhead",
  "request",
  "queue",
  "compute",
  "compute_input",
  "compute_infer",
  "compute_output",
  "handler_overhead"
] as const;

export type Interval = (typeof INTERVALS)[number];

export const I = {
  infer: 0,
  receive: 1,
  send: 2,
  frontend_overhead: 3,
  request: 4,
  queue: 5,
  compute: 6,
  compute_input: 7,
  compute_infer: 8,
  compute_output: 9,
  handler_overhead: 10
} as const;

export const INTERVAL_COUNT = INTERVALS.length;

function span(ts: Float64Array, a: number, b: number): number {
  const x = ts[a];
  const y = ts[b];
  return Number.isNaN(x) || Number.isNaN(y) ? NaN : y - x;
}

/** True when trace_summary.py would count the request: it has REQUEST_START and REQUEST_END. */
export function counted(ts: Float64Array): boolean {
  return !Number.isNaN(ts[P.REQUEST_START]) && !Number.isNaN(ts[P.REQUEST_END]);
}

/** Fill `out` with each interval in ns (NaN when it does not apply). */
export function intervalsOf(ts: Float64Array, out: Float64Array): Float64Array {
  out.fill(NaN);
  if (!Number.isNaN(ts[P.FRONTEND_RECV_START]) && !Number.isNaN(ts[P.FRONTEND_SEND_END])) {
    out[I.infer] = span(ts, P.FRONTEND_RECV_START, P.FRONTEND_SEND_END);
    out[I.receive] = span(ts, P.FRONTEND_RECV_START, P.FRONTEND_RECV_END);
    out[I.send] = span(ts, P.FRONTEND_SEND_START, P.FRONTEND_SEND_END);
  } else if (!Number.isNaN(ts[P.FRONTEND_INFER_START]) && !Number.isNaN(ts[P.FRONTEND_INFER_END])) {
    out[I.infer] = span(ts, P.FRONTEND_INFER_START, P.FRONTEND_INFER_END);
    out[I.receive] = span(ts, P.FRONTEND_INFER_START, P.REQUEST_START);
    out[I.send] = span(ts, P.COMPUTE_END, P.FRONTEND_INFER_END);
  }
  out[I.request] = span(ts, P.REQUEST_START, P.REQUEST_END);
  out[I.queue] = span(ts, P.QUEUE_START, P.COMPUTE_START);
  out[I.compute] = span(ts, P.COMPUTE_START, P.COMPUTE_END);
  if (!Number.isNaN(ts[P.COMPUTE_INPUT_END]) && !Number.isNaN(ts[P.COMPUTE_OUTPUT_START])) {
    out[I.compute_input] = span(ts, P.COMPUTE_START, P.COMPUTE_INPUT_END);
    out[I.compute_infer] = span(ts, P.COMPUTE_INPUT_END, P.COMPUTE_OUTPUT_START);
    out[I.compute_output] = span(ts, P.COMPUTE_OUTPUT_START, P.COMPUTE_END);
  }
  out[I.frontend_overhead] = out[I.infer] - out[I.request] - out[I.receive] - out[I.send];
  out[I.handler_overhead] = out[I.request] - out[I.queue] - out[I.compute];
  return out;
}
