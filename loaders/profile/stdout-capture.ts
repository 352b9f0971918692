// onnxruntime-web has no file system to write its profile to: ORT's profiler prints the JSON to
// stdout, which Emscripten sends through `fs.writeSync(1, ...)` (its `out` function), one line per
// call. This swaps `writeSync` on Node's fs module so that, while capturing, fd 1 writes are kept
// instead of printed. It must be installed before the WASM module loads (onnxruntime-web loads it
// on the first session), so that Emscripten's calls go through the swapped function.

import fs from "node:fs";

export interface StdoutCapture {
  /** Run fn and return what it wrote to fd 1 through fs.writeSync (and not to the real stdout). */
  during(fn: () => unknown | Promise<unknown>): Promise<string>;
  restore(): void;
}

export function captureFsStdout(): StdoutCapture {
  const original = fs.writeSync;
  let sink: string[] | null = null;
  const swapped = function (this: unknown, fd: number, data: unknown, ...rest: unknown[]): number {
    if (sink && fd === 1) {
      const text = typeof data === "string" ? data : Buffer.from(data as Uint8Array).toString("utf8");
      sink.push(text);
      return Buffer.byteLength(text);
    }
    return (original as (...a: unknown[]) => number).call(fs, fd, data, ...rest);
  };
  (fs as {writeSync: unknown}).writeSync = swapped;
  return {
    async during(fn) {
      const mine: string[] = [];
      sink = mine;
      try {
        await fn();
      } finally {
        sink = null;
      }
      return mine.join("");
    },
    restore() {
      (fs as {writeSync: unknown}).writeSync = original;
    }
  };
}
