// Groups Triton trace entries into requests (one per trace id) while streaming, and hands each
// request on once it is complete, so memory stays bounded by the requests in flight rather than by
// the file.
//
// Why a window: in the 2.x layout every timestamp is its own entry, and the entries of one request
// can be interleaved with other requests' entries (older servers wrote each activity as it happened;
// current ones write a whole trace at once, but its child traces - ensemble steps, BLS calls - in no
// particular order). A request is complete once it has its header, REQUEST_END and, when it came
// through a frontend, the frontend's send end; it is emitted only after `window` further entries
// brought nothing new for it, so late entries still find it. Children wait for their parent so they
// inherit the root's frontend, as trace_summary.py does (it keeps a child only if its parent matched).
//
// Ids are scoped to one file: flush() at the end of each file emits everything still open.

import type {Diagnostics} from "../common/diagnostics.ts";
import {nameInfo, P, POINT_COUNT, type NameInfo, type Protocol} from "./names.ts";

export interface TritonRequest {
  file: string;
  /** Trace id from the file; negative for 1.x objects that carried no id. */
  id: number;
  parentId: number | null;
  /** Id of the top-level request this one belongs to (itself when it has no parent), when known. */
  rootId: number | null;
  requestId: string | null;
  model: string;
  version: number;
  /** Frontend the request (or its root) came through; null for in-process (C API) requests. */
  frontend: Protocol | null;
  /** 1 for the 1.x layout (lowercase names), 2 otherwise. */
  layout: 1 | 2;
  /** Canonical points (see names.ts P) in ns relative to the reader's epoch; NaN when absent. */
  ts: Float64Array;
  /** Timestamps with names outside the canonical set (custom activities), in file order. */
  extras: {name: string; rel: number}[] | null;
  tensors: number;
  entries: number;
  /** Byte offset of the request's first entry. */
  offset: number;
}

interface Pending extends Omit<TritonRequest, "model" | "version" | "frontend" | "rootId"> {
  model: string | null;
  version: number;
  protocol: Protocol | null;
  lastSeq: number;
  queued: boolean;
  queuedAt: number;
  waits: number;
  children: Pending[] | null;
  frontend: Protocol | null;
  rootId: number | null;
}

export interface AssemblerOptions {
  /** Entries without news for a complete request before it is emitted (default 16384). */
  window?: number;
  diagnostics: Diagnostics;
  onRequest(request: TritonRequest): void;
}

interface Done {
  frontend: Protocol | null;
  rootId: number | null;
}

/** Finalized ids remembered for children that arrive after their parent was emitted. */
const REMEMBERED = 65536;
/** Times a child whose parent is unknown is re-queued before it is emitted on its own. */
const MAX_WAITS = 4;

export class RequestAssembler {
  private readonly pending = new Map<number, Pending>();
  private queue: Pending[] = [];
  private queueHead = 0;
  // Two generations instead of an LRU: deleting a Map's oldest key again and again is slow in V8.
  private done = new Map<number, Done>();
  private doneOld = new Map<number, Done>();
  private seq = 0;
  private syntheticId = -1;
  private readonly window: number;
  private readonly diagnostics: Diagnostics;
  private readonly onRequest: (request: TritonRequest) => void;
  file = "";
  /** Index of the entry being handled in the tokenizer's text, and how to turn it into a byte offset. */
  at = 0;
  offsetAt: (i: number) => number = () => 0;

  constructor({window = 16384, diagnostics, onRequest}: AssemblerOptions) {
    this.window = window;
    this.diagnostics = diagnostics;
    this.onRequest = onRequest;
  }

  newSyntheticId(): number {
    return this.syntheticId--;
  }

  private get(id: number): Pending {
    let r = this.pending.get(id);
    if (r === undefined) {
      r = {
        file: this.file,
        id,
        parentId: null,
        rootId: null,
        requestId: null,
        model: null,
        version: -1,
        protocol: null,
        frontend: null,
        layout: 2,
        ts: new Float64Array(POINT_COUNT).fill(NaN),
        extras: null,
        tensors: 0,
        entries: 0,
        offset: this.offsetAt(this.at),
        lastSeq: 0,
        queued: false,
        queuedAt: 0,
        waits: 0,
        children: null
      };
      this.pending.set(id, r);
    }
    return r;
  }

  /** Call once per entry, after it was applied. Emits requests that left the window. */
  tick(): void {
    this.seq++;
    if ((this.seq & 255) === 0) this.drain(false);
  }

  header(id: number, model: string, version: number, requestId: string | null, parentId: number | null): void {
    let r = this.pending.get(id);
    if (r !== undefined && r.model !== null) {
      // A second header for an open id: a new request reusing the id (e.g. files of two server runs).
      this.diagnostics.add("duplicate_id", "warning", `trace id ${id} has a second header entry; the first request was closed there`, {offset: this.offsetAt(this.at)});
      this.pending.delete(id);
      this.finalize(r, true);
      r = undefined;
    }
    r = this.get(id);
    r.model = model;
    r.version = version;
    r.requestId = requestId;
    r.parentId = parentId;
    this.touch(r);
  }

  timestamp(id: number, name: string, rel: number): void {
    const info = nameInfo(name);
    if (info === undefined) this.extra(id, name, rel);
    else this.point(id, info, rel);
  }

  /** A timestamp with a canonical name. */
  point(id: number, info: NameInfo, rel: number): void {
    const r = this.get(id);
    if (!Number.isNaN(r.ts[info.point])) {
      this.diagnostics.add("repeated_timestamp", "info", "a timestamp name appears more than once in one request; the last one counts, as in trace_summary.py", {offset: this.offsetAt(this.at)});
    }
    r.ts[info.point] = rel;
    if (info.protocol !== undefined) r.protocol = info.protocol;
    if (info.layout === 1) r.layout = 1;
    this.touch(r);
  }

  /** A timestamp outside the canonical set (custom activity). */
  extra(id: number, name: string, rel: number): void {
    const r = this.get(id);
    (r.extras ??= []).push({name, rel});
    this.touch(r);
  }

  tensor(id: number): void {
    const r = this.get(id);
    r.tensors++;
    this.touch(r);
  }

  /** A 1.x object without an id is a whole trace on its own: emit it now. */
  closeNow(id: number): void {
    const r = this.pending.get(id);
    if (r === undefined) return;
    this.pending.delete(id);
    this.finalize(r, true);
  }

  private touch(r: Pending): void {
    r.entries++;
    r.lastSeq = this.seq;
    if (!r.queued && isComplete(r)) this.enqueue(r, this.seq);
  }

  private drain(all: boolean): void {
    const limit = this.seq - this.window;
    while (this.queueHead < this.queue.length) {
      const r = this.queue[this.queueHead];
      if (!all && r.queuedAt > limit) break;
      this.queueHead++;
      r.queued = false;
      if (this.pending.get(r.id) !== r) continue; // already emitted
      if (!all && r.lastSeq > limit) {
        // News since it completed: look again once the window has passed its last entry.
        this.enqueue(r, r.lastSeq);
        continue;
      }
      this.pending.delete(r.id);
      if (!this.finalize(r, all)) {
        // Parent not seen yet: keep it open a little longer.
        this.pending.set(r.id, r);
        this.enqueue(r, this.seq);
      }
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private enqueue(r: Pending, at: number): void {
    r.queued = true;
    r.queuedAt = at;
    this.queue.push(r);
  }

  /**
   * Emit `r` (and the children that waited for it). Returns false when `r` should wait for its parent.
   * `force` emits even then (end of file).
   */
  private finalize(r: Pending, force: boolean): boolean {
    if (r.parentId !== null && r.layout === 2) {
      const parent = this.pending.get(r.parentId);
      if (parent !== undefined) {
        (parent.children ??= []).push(r);
        return true;
      }
      const known = this.done.get(r.parentId) ?? this.doneOld.get(r.parentId);
      if (known !== undefined) {
        r.frontend = known.frontend;
        r.rootId = known.rootId;
      } else if (!force && r.waits < MAX_WAITS) {
        r.waits++;
        return false;
      } else {
        r.frontend = null;
        r.rootId = null;
        this.diagnostics.add("orphan_child", "warning", "a child request's parent trace is not in the file; it is summarized without a frontend", {offset: r.offset});
      }
    } else {
      r.frontend = r.protocol;
      r.rootId = r.id;
    }
    this.emit(r);
    return true;
  }

  private emit(r: Pending): void {
    if (r.model === null) {
      this.diagnostics.add(
        "orphan_entries",
        "warning",
        `entries for trace id ${r.id} have no header entry (model name); they were skipped. If the file interleaves requests very widely, entries may have arrived after their request was closed`,
        {offset: r.offset, count: r.entries}
      );
    } else {
      this.onRequest(r as TritonRequest);
    }
    this.done.set(r.id, {frontend: r.frontend, rootId: r.rootId});
    if (this.done.size >= REMEMBERED) {
      this.doneOld = this.done;
      this.done = new Map();
    }
    const children = r.children;
    if (children !== null) {
      r.children = null;
      for (const c of children) {
        c.frontend = r.frontend;
        c.rootId = r.rootId;
        this.emit(c);
      }
    }
  }

  /** End of a file: emit everything still open (parents first), then forget the file's ids. */
  flush(): void {
    this.drain(true);
    const rest = [...this.pending.values()].sort((a, b) => a.id - b.id);
    this.pending.clear();
    for (const r of rest) {
      if (r.model !== null && !isComplete(r)) this.diagnostics.add("incomplete_request", "info", "requests without REQUEST_END (or without their frontend's send end) at the end of the file; they are stored but not summarized if REQUEST_START/REQUEST_END are missing", {offset: r.offset});
    }
    // Parents before children: ids grow with creation, and a child's parent is always created first.
    const open = new Map(rest.map((r) => [r.id, r]));
    for (const r of rest) {
      if (r.parentId !== null && r.layout === 2 && open.has(r.parentId)) {
        const parent = open.get(r.parentId)!;
        (parent.children ??= []).push(r);
      }
    }
    for (const r of rest) {
      if (r.parentId !== null && r.layout === 2 && open.has(r.parentId)) continue;
      this.finalize(r, true);
    }
    this.queue = [];
    this.queueHead = 0;
    this.done.clear();
    this.doneOld.clear();
  }
}

function isComplete(r: Pending): boolean {
  const ts = r.ts;
  if (r.model === null || Number.isNaN(ts[P.REQUEST_END])) return false;
  if (!Number.isNaN(ts[P.FRONTEND_RECV_START]) && Number.isNaN(ts[P.FRONTEND_SEND_END])) return false;
  if (!Number.isNaN(ts[P.FRONTEND_INFER_START]) && Number.isNaN(ts[P.FRONTEND_INFER_END])) return false;
  return true;
}
