// Chunked tokenizer for a top-level JSON array of objects (Triton's trace file): finds each complete
// entry without parsing the whole file, carrying a partial entry over to the next chunk (like
// perfetto's json_trace_tokenizer). Strings are skipped with their escapes, so quotes, brackets and
// braces inside model names, request ids or tensor data do not confuse it.
//
// A file that stops inside the array (server still running, or killed: no closing `]`, maybe a
// cut-off last entry) is truncated, not malformed: every complete entry is delivered and end()
// reports what was dropped. Anything that cannot be a JSON array of objects is an InputError with
// the byte offset (and line) where it went wrong.

import {InputError} from "../../common/errors.ts";

export interface TokenizerHandlers {
  /**
   * Optional fast path: recognise and consume the entry starting at `start` (a '{') on its own.
   * Returns the index just past the entry, or -1 to let the tokenizer find the end and call entry().
   * Must return -1 when the entry runs past the end of `text`.
   */
  fast?(text: string, start: number): number;
  /** A complete entry: text.slice(start, end) is one balanced `{...}` value. */
  entry(text: string, start: number, end: number): void;
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
  /** File size in bytes as seen by the tokenizer. */
  bytes: number;
}

const enum State {
  Start,
  FirstValue,
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

/** One entry may not exceed this many characters (a guard against runaway carries, e.g. a missing quote). */
export const MAX_ENTRY_CHARS = 256 * 1024 * 1024;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

/** Index of the closing quote of a string whose body starts at `j`, or -1 if it does not end in `s`. */
function skipString(s: string, j: number): number {
  for (;;) {
    const k = s.indexOf('"', j);
    if (k < 0) return -1;
    let b = k - 1;
    while (b >= j && s.charCodeAt(b) === BACKSLASH) b--;
    // An even number of backslashes before the quote: it closes the string.
    if ((k - 1 - b) % 2 === 0) return k;
    j = k + 1;
  }
}

/** Index just past the balanced value starting at `i` (a '{' or '['), or -1 if it does not end in `s`. */
export function findValueEnd(s: string, i: number): number {
  let depth = 0;
  const n = s.length;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) {
      const k = skipString(s, j + 1);
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

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf("\n", from);
  while (i >= 0 && i < to) {
    n++;
    i = s.indexOf("\n", i + 1);
  }
  return n;
}

export class JsonArrayTokenizer {
  private text = "";
  private state = State.Start;
  private bytesBefore = 0;
  private linesBefore = 0;
  private entryCount = 0;
  /** Every character of the current text is ASCII, so char index = byte offset - bytesBefore. */
  private ascii = true;

  constructor(
    private readonly file: string,
    private readonly handlers: TokenizerHandlers
  ) {}

  get entries(): number {
    return this.entryCount;
  }

  /** Byte offset in the file of index `i` of the current text. */
  offsetOf(i: number): number {
    return this.bytesBefore + Buffer.byteLength(this.text.slice(0, i));
  }

  /** Byte offset of index `i`: O(1) while the text is ASCII (the usual case for Triton files). */
  offsetFast(i: number): number {
    return this.ascii ? this.bytesBefore + i : this.offsetOf(i);
  }

  /** 1-based line of index `i` of the current text. */
  lineOf(i: number): number {
    return this.linesBefore + countNewlines(this.text, 0, i) + 1;
  }

  /** Build an InputError located at index `i` of the current text. */
  errorAt(i: number, detail: string, hint?: string): InputError {
    return new InputError(this.file, `byte ${this.offsetOf(i)}, line ${this.lineOf(i)}: ${detail}`, {hint});
  }

  private found(i: number): string {
    const s = this.text.slice(i, i + 24);
    return s ? JSON.stringify(s) : "end of file";
  }

  /** Feed the next decoded chunk; `ascii` says whether its bytes were all ASCII (unknown: false). */
  push(chunk: string, ascii = false): void {
    this.ascii = (this.text.length === 0 || this.ascii) && ascii;
    this.text = this.text.length ? this.text + chunk : chunk;
    const s = this.text;
    const n = s.length;
    let pos = 0;
    const {fast, entry} = this.handlers;
    scan: while (pos < n) {
      const c = s.charCodeAt(pos);
      if (isWhitespace(c)) {
        pos++;
        continue;
      }
      switch (this.state) {
        case State.Start:
          if (c !== LBRACKET) throw this.errorAt(pos, `expected '[' (a Triton trace file is a JSON array), found ${this.found(pos)}`, "Give a file written by tritonserver --trace-file (or --trace-config triton,file=...).");
          this.state = State.FirstValue;
          pos++;
          continue;
        case State.FirstValue:
        case State.Value: {
          if (c === RBRACKET) {
            this.state = State.End;
            pos++;
            continue;
          }
          if (c !== LBRACE) throw this.errorAt(pos, `expected a trace entry '{', found ${this.found(pos)}`);
          let end = fast ? fast(s, pos) : -1;
          if (end < 0) {
            end = findValueEnd(s, pos);
            if (end < 0) {
              if (n - pos > MAX_ENTRY_CHARS) throw this.errorAt(pos, `an entry longer than ${MAX_ENTRY_CHARS} characters never closes (unbalanced quotes or braces?)`);
              break scan;
            }
            entry(s, pos, end);
          }
          this.entryCount++;
          pos = end;
          this.state = State.Separator;
          continue;
        }
        case State.Separator:
          if (c === COMMA) this.state = State.Value;
          else if (c === RBRACKET) this.state = State.End;
          else throw this.errorAt(pos, `expected ',' or ']' after an entry, found ${this.found(pos)}`);
          pos++;
          continue;
        case State.End:
          throw this.errorAt(pos, `unexpected data after the closing ']': ${this.found(pos)}`);
      }
    }
    if (pos > 0) {
      const consumed = s.slice(0, pos);
      this.bytesBefore += Buffer.byteLength(consumed);
      this.linesBefore += countNewlines(consumed, 0, consumed.length);
      this.text = pos < n ? s.slice(pos) : "";
      if (this.text.length === 0) this.ascii = true;
    }
  }

  end(): TokenizerEnd {
    const rest = this.text;
    let i = 0;
    while (i < rest.length && isWhitespace(rest.charCodeAt(i))) i++;
    const bytes = this.bytesBefore + Buffer.byteLength(rest);
    if (this.state === State.End) return {entries: this.entryCount, truncated: false, droppedEntries: 0, droppedOffset: null, bytes};
    const partial = i < rest.length;
    return {
      entries: this.entryCount,
      truncated: true,
      droppedEntries: partial ? 1 : 0,
      droppedOffset: partial ? this.offsetOf(i) : bytes,
      bytes
    };
  }
}
