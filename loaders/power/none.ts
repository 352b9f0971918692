// The source used when nothing can measure power: no samples, and a note saying why.
import {nowMs, type PowerSource} from "./types.ts";

export function noPower(note: string): PowerSource {
  return {
    name: "none",
    device: null,
    note,
    async start() {
      const started_ms = nowMs();
      return {stop: async () => ({source: "none", device: null, started_ms, samples: [], note})};
    }
  };
}
