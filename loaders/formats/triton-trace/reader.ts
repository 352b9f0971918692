// Reads Triton trace files (every layout, split files, truncated files) as a stream of requests.
// Files are read in 4 MiB chunks; only the requests in flight are held (see requests.ts).

import {open, stat} from "node:fs/promises";
import {InputError} from "../../common/errors.ts";
import {Diagnostics} from "../common/diagnostics.ts";
import {Clock, EntryParser} from "./parser.ts";
import {RequestAssembler, type TritonRequest} from "./requests.ts";
import {sniffTritonTrace, type TraceLayout} from "./sniff.ts";
import {JsonArrayTokenizer} from "./tokenizer.ts";

export interface TraceFileInfo {
  path: string;
  bytes: number;
  entries: number;
  dropped_entries: number;
  truncated: boolean;
  /** Where the dropped entry (or the missing `]`) starts. */
  dropped_offset: number | null;
  layout: TraceLayout;
}

export interface ReadOptions {
  onRequest(request: TritonRequest): void;
  diagnostics?: Diagnostics;
  /** See AssemblerOptions.window. */
  window?: number;
  /** Called before each file, e.g. for progress. */
  onFile?(path: string, index: number): void;
  chunkBytes?: number;
  /** Time base to use (rows need it while requests stream by); a new one by default. */
  clock?: Clock;
}

export interface ReadResult {
  files: TraceFileInfo[];
  clock: Clock;
  diagnostics: Diagnostics;
}

/** Natural order for split files: trace.json.2 before trace.json.10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", {numeric: true});
}

export async function readTritonTraces(paths: readonly string[], options: ReadOptions): Promise<ReadResult> {
  const diagnostics = options.diagnostics ?? new Diagnostics();
  const clock = options.clock ?? new Clock();
  const assembler = new RequestAssembler({window: options.window, diagnostics, onRequest: options.onRequest});
  const files: TraceFileInfo[] = [];
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k];
    options.onFile?.(path, k);
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new InputError(path, "is not a file");
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {hint: "Check the path; split files are named trace.json.0, trace.json.1, ..."});
    }
    let tokenizer!: JsonArrayTokenizer;
    const parser = new EntryParser(() => tokenizer, assembler, clock, diagnostics);
    tokenizer = new JsonArrayTokenizer(path, {fast: parser.fast, entry: parser.entry});
    assembler.file = path;
    assembler.offsetAt = (i) => tokenizer.offsetOf(i);
    let layout: TraceLayout = "unknown";
    // One buffer, reused: read after the carried partial entry, scan, move the new carry to the front.
    const chunk = options.chunkBytes ?? 4 << 20;
    let buf = Buffer.allocUnsafe(chunk * 2);
    let have = 0;
    let first = true;
    const fh = await open(path, "r");
    try {
      for (;;) {
        if (buf.length - have < chunk) {
          const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, have + chunk));
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
        const {bytesRead} = await fh.read(buf, have, chunk, null);
        if (bytesRead === 0) break;
        if (first) {
          first = false;
          const sniff = sniffTritonTrace(buf.subarray(0, Math.min(bytesRead, 4096)));
          if (!sniff.ok) throw new InputError(path, `is not a Triton trace file: ${sniff.reason}`, {hint: "Give a file written by tritonserver --trace-file (or --trace-config triton,file=...)."});
          layout = sniff.layout;
        }
        const n = have + bytesRead;
        const used = tokenizer.scan(buf, n);
        buf.copy(buf, 0, used, n);
        have = n - used;
      }
    } finally {
      await fh.close();
    }
    const end = tokenizer.end(buf.subarray(0, have));
    assembler.flush();
    if (end.truncated) {
      const what = end.droppedEntries ? `an incomplete entry was dropped at byte ${end.droppedOffset}` : `the closing ']' is missing at byte ${end.droppedOffset}`;
      diagnostics.add("truncated_file", "warning", `${path}: the trace file ends inside the array (server still running or killed): ${what}; ${end.entries} complete entries were read`, {offset: end.droppedOffset ?? undefined});
      if (end.droppedEntries) diagnostics.add("dropped_entry", "warning", `${path}: an incomplete last entry was dropped`, {offset: end.droppedOffset ?? undefined, count: end.droppedEntries});
    }
    files.push({path, bytes: end.bytes, entries: end.entries, dropped_entries: end.droppedEntries, truncated: end.truncated, dropped_offset: end.truncated ? end.droppedOffset : null, layout});
  }
  return {files, clock, diagnostics};
}

/** One line per truncated file, for stderr. */
export function truncationWarnings(files: readonly TraceFileInfo[]): string[] {
  return files
    .filter((f) => f.truncated)
    .map((f) =>
      f.dropped_entries
        ? `warning: ${f.path}: truncated (no closing ']'): dropped ${f.dropped_entries} incomplete entr${f.dropped_entries === 1 ? "y" : "ies"} at byte ${f.dropped_offset}; read ${f.entries} complete entries`
        : `warning: ${f.path}: truncated (no closing ']' at byte ${f.dropped_offset}); read ${f.entries} complete entries, none dropped`
    );
}
