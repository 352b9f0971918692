// A `trace net` log into net_events rows, read by the bpftrace importer itself.

import {readFileSync} from "node:fs";
import {Diagnostics} from "../formats/common/diagnostics.ts";
import {parseBpftraceLog, type NetEventRow} from "../formats/bpftrace/parser.ts";

export function readNetLog(file: string, diagnostics = new Diagnostics()): {rows: NetEventRow[]; lostEvents: number; diagnostics: Diagnostics} {
  const text = readFileSync(file, "utf8");
  if (text.trim() === "") return {rows: [], lostEvents: 0, diagnostics};
  const {rows, lostEvents} = parseBpftraceLog(text, {file, diagnostics});
  return {rows, lostEvents, diagnostics};
}
