// Triton timestamp names, per layout, mapped to one canonical set of points.
//
// Where the names come from (read via the search tool):
// - 1.x (TensorRT Inference Server, src/servers/tracer.cc): one JSON object per trace,
//   `{ "timestamps": [{"name":"...", "ns":N}, ...], "model_name": "...", "model_version": N[, "id":N, "parent_id":N] }`.
//   The core activities are named "request handler start", "queue start", "compute start",
//   "compute input end", "compute output start", "compute end", "request handler end"; the HTTP
//   frontend adds "http recv start"/"http recv end"/"http send start"/"http send end", gRPC adds
//   "grpc wait/read start"/"grpc wait/read end"/"grpc send start"/"grpc send end". The earliest
//   builds used "http infer start"/"http infer end" (and "grpc infer start"/"grpc infer end") instead
//   (first qa/common/trace_summary.py in triton-inference-server/server).
// - 2.x and current (triton-inference-server/server src/tracer.cc, TraceActivity and CaptureTimestamp):
//   TRITONSERVER_InferenceTraceActivityString names REQUEST_START, QUEUE_START, COMPUTE_START,
//   COMPUTE_INPUT_END, COMPUTE_OUTPUT_START, COMPUTE_END, REQUEST_END, INFER_RESPONSE_COMPLETE;
//   frontends capture HTTP_RECV_START, HTTP_RECV_END, HTTP_SEND_START, HTTP_SEND_END and
//   GRPC_WAITREAD_START, GRPC_WAITREAD_END, GRPC_SEND_START, GRPC_SEND_END (docs/user_guide/trace.md).
//   CUSTOM_ACTIVITY timestamps carry the name a backend put in the trace context (RetrieveActivityName),
//   so any other name is kept as an extra point of the request.

/** Canonical points of one request, as indexes into a request's timestamp array. */
export const P = {
  FRONTEND_RECV_START: 0,
  FRONTEND_RECV_END: 1,
  FRONTEND_SEND_START: 2,
  FRONTEND_SEND_END: 3,
  /** Only the earliest 1.x builds: "http infer start" / "grpc infer start". */
  FRONTEND_INFER_START: 4,
  FRONTEND_INFER_END: 5,
  REQUEST_START: 6,
  QUEUE_START: 7,
  COMPUTE_START: 8,
  COMPUTE_INPUT_END: 9,
  COMPUTE_OUTPUT_START: 10,
  COMPUTE_END: 11,
  REQUEST_END: 12,
  INFER_RESPONSE_COMPLETE: 13
} as const;

export const POINT_COUNT = 14;

export type Protocol = "http" | "grpc";

export interface NameInfo {
  point: number;
  /** Which frontend the name belongs to, for frontend points. */
  protocol?: Protocol;
  /** 1 for the 1.x lowercase names, 2 for the 2.x uppercase ones. */
  layout: 1 | 2;
}

const NAMES: Record<string, NameInfo> = {
  // 2.x and current
  HTTP_RECV_START: {point: P.FRONTEND_RECV_START, protocol: "http", layout: 2},
  HTTP_RECV_END: {point: P.FRONTEND_RECV_END, protocol: "http", layout: 2},
  HTTP_SEND_START: {point: P.FRONTEND_SEND_START, protocol: "http", layout: 2},
  HTTP_SEND_END: {point: P.FRONTEND_SEND_END, protocol: "http", layout: 2},
  GRPC_WAITREAD_START: {point: P.FRONTEND_RECV_START, protocol: "grpc", layout: 2},
  GRPC_WAITREAD_END: {point: P.FRONTEND_RECV_END, protocol: "grpc", layout: 2},
  GRPC_SEND_START: {point: P.FRONTEND_SEND_START, protocol: "grpc", layout: 2},
  GRPC_SEND_END: {point: P.FRONTEND_SEND_END, protocol: "grpc", layout: 2},
  REQUEST_START: {point: P.REQUEST_START, layout: 2},
  QUEUE_START: {point: P.QUEUE_START, layout: 2},
  COMPUTE_START: {point: P.COMPUTE_START, layout: 2},
  COMPUTE_INPUT_END: {point: P.COMPUTE_INPUT_END, layout: 2},
  COMPUTE_OUTPUT_START: {point: P.COMPUTE_OUTPUT_START, layout: 2},
  COMPUTE_END: {point: P.COMPUTE_END, layout: 2},
  REQUEST_END: {point: P.REQUEST_END, layout: 2},
  INFER_RESPONSE_COMPLETE: {point: P.INFER_RESPONSE_COMPLETE, layout: 2},
  // 1.x
  "http recv start": {point: P.FRONTEND_RECV_START, protocol: "http", layout: 1},
  "http recv end": {point: P.FRONTEND_RECV_END, protocol: "http", layout: 1},
  "http send start": {point: P.FRONTEND_SEND_START, protocol: "http", layout: 1},
  "http send end": {point: P.FRONTEND_SEND_END, protocol: "http", layout: 1},
  "http infer start": {point: P.FRONTEND_INFER_START, protocol: "http", layout: 1},
  "http infer end": {point: P.FRONTEND_INFER_END, protocol: "http", layout: 1},
  "grpc wait/read start": {point: P.FRONTEND_RECV_START, protocol: "grpc", layout: 1},
  "grpc wait/read end": {point: P.FRONTEND_RECV_END, protocol: "grpc", layout: 1},
  "grpc send start": {point: P.FRONTEND_SEND_START, protocol: "grpc", layout: 1},
  "grpc send end": {point: P.FRONTEND_SEND_END, protocol: "grpc", layout: 1},
  "grpc infer start": {point: P.FRONTEND_INFER_START, protocol: "grpc", layout: 1},
  "grpc infer end": {point: P.FRONTEND_INFER_END, protocol: "grpc", layout: 1},
  "request handler start": {point: P.REQUEST_START, layout: 1},
  "queue start": {point: P.QUEUE_START, layout: 1},
  "compute start": {point: P.COMPUTE_START, layout: 1},
  "compute input end": {point: P.COMPUTE_INPUT_END, layout: 1},
  "compute output start": {point: P.COMPUTE_OUTPUT_START, layout: 1},
  "compute end": {point: P.COMPUTE_END, layout: 1},
  "request handler end": {point: P.REQUEST_END, layout: 1}
};

const lookup = new Map<string, NameInfo>(Object.entries(NAMES));

/** The canonical point for a raw timestamp name, or undefined for custom activities and unknown names. */
export function nameInfo(name: string): NameInfo | undefined {
  return lookup.get(name);
}

// Lookup straight from the file bytes, without decoding the name: bucket by length and first and
// last byte, then compare in place. Only ASCII names are in the table.
const buckets = new Map<number, [Buffer, NameInfo][]>();
for (const [name, info] of lookup) {
  const bytes = Buffer.from(name, "latin1");
  const key = (bytes.length << 16) | (bytes[0] << 8) | bytes[bytes.length - 1];
  let b = buckets.get(key);
  if (b === undefined) buckets.set(key, (b = []));
  b.push([bytes, info]);
}

/** nameInfo() for the name in bytes u[a, b). */
export function nameInfoAt(u: Uint8Array, a: number, b: number): NameInfo | undefined {
  const len = b - a;
  if (len <= 0) return undefined;
  const bucket = buckets.get((len << 16) | (u[a] << 8) | u[b - 1]);
  if (bucket === undefined) return undefined;
  outer: for (let k = 0; k < bucket.length; k++) {
    const name = bucket[k][0];
    for (let i = 1; i < len - 1; i++) if (u[a + i] !== name[i]) continue outer;
    return bucket[k][1];
  }
  return undefined;
}
