// A request as a triton_requests row (columns documented in loaders/store/datasets.ts).

import type {tritonRequests} from "../../store/datasets.ts";
import type {RowOf} from "../../store/schema.ts";
import {I, intervalsOf, INTERVAL_COUNT} from "./intervals.ts";
import {P} from "./names.ts";
import type {Clock} from "./parser.ts";
import type {TritonRequest} from "./requests.ts";

export type TritonRequestRow = RowOf<typeof tritonRequests>;

const scratch = new Float64Array(INTERVAL_COUNT);

export function requestRow(r: TritonRequest, clock: Clock): TritonRequestRow {
  const ts = r.ts;
  const abs = (p: number) => (Number.isNaN(ts[p]) ? null : clock.absolute(ts[p]));
  let first = Infinity;
  let last = -Infinity;
  for (const v of ts) {
    if (Number.isNaN(v)) continue;
    if (v < first) first = v;
    if (v > last) last = v;
  }
  for (const e of r.extras ?? []) {
    if (e.rel < first) first = e.rel;
    if (e.rel > last) last = e.rel;
  }
  const start = !Number.isNaN(ts[P.FRONTEND_RECV_START])
    ? ts[P.FRONTEND_RECV_START]
    : !Number.isNaN(ts[P.FRONTEND_INFER_START])
      ? ts[P.FRONTEND_INFER_START]
      : !Number.isNaN(ts[P.REQUEST_START])
        ? ts[P.REQUEST_START]
        : first;
  const iv = intervalsOf(ts, scratch);
  const us = (i: number) => (Number.isNaN(iv[i]) ? null : iv[i] / 1000);
  const recvStart = Number.isNaN(ts[P.FRONTEND_RECV_START]) ? P.FRONTEND_INFER_START : P.FRONTEND_RECV_START;
  const sendEnd = Number.isNaN(ts[P.FRONTEND_SEND_END]) ? P.FRONTEND_INFER_END : P.FRONTEND_SEND_END;
  return {
    source_file: r.file,
    layout: r.layout === 1 ? "1.x" : "2.x",
    trace_id: r.id,
    parent_id: r.parentId,
    root_id: r.rootId,
    request_id: r.requestId,
    model: r.model,
    model_version: r.version,
    frontend: r.frontend,
    is_ensemble: !Number.isNaN(ts[P.REQUEST_START]) && Number.isNaN(ts[P.QUEUE_START]) && Number.isNaN(ts[P.COMPUTE_START]),
    start_ns: Number.isFinite(start) ? clock.absolute(start) : 0n,
    end_ns: Number.isFinite(last) ? clock.absolute(last) : 0n,
    recv_start_ns: abs(recvStart),
    recv_end_ns: abs(P.FRONTEND_RECV_END),
    request_start_ns: abs(P.REQUEST_START),
    queue_start_ns: abs(P.QUEUE_START),
    compute_start_ns: abs(P.COMPUTE_START),
    compute_input_end_ns: abs(P.COMPUTE_INPUT_END),
    compute_output_start_ns: abs(P.COMPUTE_OUTPUT_START),
    compute_end_ns: abs(P.COMPUTE_END),
    request_end_ns: abs(P.REQUEST_END),
    response_complete_ns: abs(P.INFER_RESPONSE_COMPLETE),
    send_start_ns: abs(P.FRONTEND_SEND_START),
    send_end_ns: abs(sendEnd),
    infer_us: us(I.infer),
    receive_us: us(I.receive),
    send_us: us(I.send),
    frontend_overhead_us: us(I.frontend_overhead),
    request_us: us(I.request),
    queue_us: us(I.queue),
    compute_us: us(I.compute),
    compute_input_us: us(I.compute_input),
    compute_infer_us: us(I.compute_infer),
    compute_output_us: us(I.compute_output),
    handler_overhead_us: us(I.handler_overhead),
    extra_timestamps: r.extras ? JSON.stringify(r.extras.map((e) => [e.name, e.rel - start])) : null,
    tensor_entries: r.tensors,
    entries: r.entries
  };
}
