// Chunked tokenizer for a top-level JSON array of objects (Triton's trace file): finds each complete
// entry without parsing the whole file, carrying a partial entry over to the next chunk (like
// perfetto's json_trace_tokenizer). It works on bytes, not decoded text: JSON's structural characters
// are ASCII and never occur inside a UTF-8 multi-byte sequence, so scanning bytes is safe, offsets are
// exact byte offsets, and no time goes into decoding. Strings are skipped with their escapes, so
// quotes, brackets and braces inside model names, request ids or tensor data do not confuse it.
//
// A file that stops inside the array (server still running, or killed: no closing `]`, maybe a
// cut-off last entry) is truncated, not malformed: every complete entry is delivered and end()
// reports what was dropped. Anything that cannot be a JSON array of objects is an InputError with
// the byte offset and line where it went wrong.

import {InputError} from "../../common/errors.ts";

export interface TokenizerHandlers {
  /**
   * Optional fast path: recognise and consume the entry starting at `start` (a '{') on its own.
   * Returns the index just past the entry, or -1 to let the tokenizer find the end and call entry().
   * Must return -1 when the entry runs past the end of `data`.
   */
  fast?(data: Buffer, start: number): number;
  /** A complete entry: data[start, end) is one balanced `{...}` value. */
  entry(data: Buffer, start: number, end: number): void;
}

export interface TokenizerEnd {
  /** Complete entries delivered. */
  entries: number;
  /** The array was never closed with `]`. */
  truncated: boolean;
  /** Incomplete entries dropped at the end of the file (0 or 1). */
  droppedEntries: number;
  /** Byte offset where the dropped entry (or the missing `]`) starts. */
  droppedOffset: number | null;
  /** Bytes seen. */
  bytes: number;
}

const enum State {
  Start,
  Value,
  Separator,
  End
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const NEWLINE = 10;

/** One entry may not exceed this many bytes (a guard against runaway carries, e.g. a missing quote). */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

function isWhitespace(c: number): boolean {
  return c === 32 || c === NEWLINE || c === 13 || c === 9;
}

/** Index of the closing quote of a string whose body starts at `j`, or -1 if it does not end in `u`. */
function skipString(u: Buffer, j: number): number {
  for (;;) {
    const k = u.indexOf(QUOTE, j);
    if (k < 0) return -1;
    let b = k - 1;
    while (b >= j && u[b] === BACKSLASH) b--;
    // An even number of backslashes before the quote: it closes the string.
    if ((k - 1 - b) % 2 === 0) return k;
    j = k + 1;
  }
}

/** Index just past the balanced value starting at `i` (a '{' or '['), or -1 if it does not end in `u`. */
export function findValueEnd(u: Buffer, i: number): number {
  let depth = 0;
  const n = u.length;
  for (let j = i; j < n; j++) {
    const c = u[j];
    if (c === QUOTE) {
      const k = skipString(u, j + 1);
      if (k < 0) return -1;
      j = k;
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function countNewlines(u: Buffer, from: number, to: number): number {
  let n = 0;
  let i = u.indexOf(NEWLINE, from);
  while (i >= 0 && i < to) {
    n++;
    i = u.indexOf(NEWLINE, i + 1);
  }
  return n;
}

const EMPTY = Buffer.alloc(0);
/** The boundary between two entries: `},{"id":` (2.x) or `},{ "timestamps":` (1.x), with any spacing. */
const NEXT_ENTRY = /\}\s*,\s*\{\s*"(id|timestamps)"\s*:/;

export class JsonArrayTokenizer {
  private data: Buffer = EMPTY;
  private state = State.Start;
  private afterComma = false;
  private bytesBefore = 0;
  private linesBefore = 0;
  private entryCount = 0;

  constructor(
    private readonly file: string,
    private readonly handlers: TokenizerHandlers
  ) {}

  get entries(): number {
    return this.entryCount;
  }

  /** Byte offset in the file of index `i` of the current data. */
  offsetOf(i: number): number {
    return this.bytesBefore + i;
  }

  /** 1-based line of index `i` of the current data. */
  lineOf(i: number): number {
    return this.linesBefore + countNewlines(this.data, 0, i) + 1;
  }

  /** An InputError located at index `i` of the current data. */
  errorAt(i: number, detail: string, hint?: string): InputError {
    return new InputError(this.file, `byte ${this.offsetOf(i)}: ${detail}`, {hint, line: this.lineOf(i)});
  }

  private found(i: number): string {
    return i < this.data.length ? JSON.stringify(this.data.toString("utf8", i, Math.min(i + 24, this.data.length))) : "end of file";
  }

  /** Feed the next chunk (convenience for callers without their own buffer). */
  push(chunk: Buffer): void {
    const u = this.data.length ? Buffer.concat([this.data, chunk]) : chunk;
    const used = this.scan(u, u.length);
    // Copy the carry so the chunk it came from can be collected.
    this.data = used < u.length ? Buffer.from(u.subarray(used)) : EMPTY;
  }

  /**
   * Scan u[0, n): deliver every complete entry and return how many bytes were consumed. The caller
   * keeps u[consumed, n) and passes it again, followed by more bytes, at the start of the next scan.
   */
  scan(u: Buffer, n: number): number {
    this.data = u.length === n ? u : u.subarray(0, n);
    let pos = 0;
    const {fast, entry} = this.handlers;
    scan: while (pos < n) {
      const c = u[pos];
      if (isWhitespace(c)) {
        pos++;
        continue;
      }
      switch (this.state) {
        case State.Start:
          // A UTF-8 byte order mark may precede the array.
          if (this.bytesBefore + pos === 0 && c === 0xef && n >= 3 && u[1] === 0xbb && u[2] === 0xbf) {
            pos = 3;
            continue;
          }
          if (c !== LBRACKET) throw this.errorAt(pos, `expected '[' (a Triton trace file is a JSON array), found ${this.found(pos)}`, "Give a file written by tritonserver --trace-file (or --trace-config triton,file=...).");
          this.state = State.Value;
          pos++;
          continue;
        case State.Value: {
          if (c === RBRACKET && !this.afterComma) {
            this.state = State.End;
            pos++;
            continue;
          }
          if (c !== LBRACE) throw this.errorAt(pos, `expected a trace entry '{', found ${this.found(pos)}`);
          let end = fast ? fast(this.data, pos) : -1;
          if (end < 0) {
            end = findValueEnd(this.data, pos);
            if (end < 0) {
              if (n - pos > MAX_ENTRY_BYTES) throw this.errorAt(pos, `an entry longer than ${MAX_ENTRY_BYTES} bytes never closes (unbalanced quotes or braces?)`);
              break scan;
            }
            entry(this.data, pos, end);
          }
          this.entryCount++;
          pos = end;
          this.state = State.Separator;
          this.afterComma = false;
          continue;
        }
        case State.Separator:
          if (c === COMMA) {
            this.state = State.Value;
            this.afterComma = true;
          } else if (c === RBRACKET) {
            this.state = State.End;
          } else {
            throw this.errorAt(pos, `expected ',' or ']' after an entry, found ${this.found(pos)}`);
          }
          pos++;
          continue;
        case State.End:
          throw this.errorAt(pos, `unexpected data after the closing ']': ${this.found(pos)}`);
      }
    }
    if (pos > 0) {
      this.bytesBefore += pos;
      this.linesBefore += countNewlines(u, 0, pos);
      this.data = this.data.subarray(pos);
    }
    return pos;
  }

  /** End of file; `rest` is what the last scan left unconsumed (push() users need not pass it). */
  end(rest: Buffer = this.data): TokenizerEnd {
    this.data = rest;
    let i = 0;
    while (i < rest.length && isWhitespace(rest[i])) i++;
    const bytes = this.bytesBefore + rest.length;
    if (this.state === State.End) return {entries: this.entryCount, truncated: false, droppedEntries: 0, droppedOffset: null, bytes};
    const partial = i < rest.length;
    // A cut-off last entry is a prefix of one entry. If what is left holds further entries, an entry
    // never closed (an unescaped quote in a name, say): that is a malformed file, not a truncated one.
    if (partial && NEXT_ENTRY.test(rest.toString("latin1", i, Math.min(rest.length, i + MAX_ENTRY_BYTES)))) {
      throw this.errorAt(i, "an entry never closes but more entries follow it (an unescaped quote in a model name or request id?)", "Triton writes names and request ids without escaping them; fix the quote in the file or re-record the trace.");
    }
    return {entries: this.entryCount, truncated: true, droppedEntries: partial ? 1 : 0, droppedOffset: partial ? this.offsetOf(i) : bytes, bytes};
  }
}
