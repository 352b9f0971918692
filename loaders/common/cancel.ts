// Ctrl-C handling for long collectors. The first SIGINT aborts the signal: the collector finishes
// (or kills) the step in flight, keeps what is complete, and writes the store atomically.
// A second SIGINT exits at once; the store stays intact because every write is temp-then-rename.

import {log} from "./progress.ts";

export function cancelOnSigint(what = "run"): {signal: AbortSignal; dispose(): void} {
  const controller = new AbortController();
  let presses = 0;
  const onSigint = () => {
    presses++;
    if (presses === 1) {
      log(`\ninferscope: stopping ${what} after the current step (Ctrl-C again to quit at once)`);
      controller.abort();
    } else {
      log("inferscope: quitting; the store keeps its last complete write");
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  return {signal: controller.signal, dispose: () => process.off("SIGINT", onSigint)};
}
