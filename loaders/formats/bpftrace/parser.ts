// Network logs of a bpftrace script on kprobe:tcp_sendmsg / kprobe:tcp_recvmsg, as the reference
// profiler's script prints them, in bpftrace's text output or its `-f json` output.
//
// Text output accepted (whitespace-separated; the header line, and bpftrace's own lines, may appear
// anywhere and are skipped):
//
//   Attaching 2 probes...
//   TIME     PID     COMM             SADDR:SPORT            DADDR:DPORT            TIME              EVENT
//   14:03:07 4121    tritonserver     10.0.0.5:8000          10.0.0.9:51234         2356425054587444  TCP_SEND
//   14:03:07 7711    perf_analyzer    ::1:51236              ::1:8001               2356425054601002  TCP_RCV  1024
//   Lost 12 events
//
// That is: TIME (wall clock as printed by time("%H:%M:%S "), or a number), PID, COMM (may contain
// spaces), SADDR:SPORT, DADDR:DPORT (IPv4, IPv6 with the port after the last ':', or [IPv6]:port),
// an optional numeric TIME (kernel ns, bpftrace's nsecs: CLOCK_MONOTONIC, the steady clock Triton's
// trace uses, in older bpftrace; CLOCK_BOOTTIME, equal to it unless the host was suspended, by default
// in newer releases),
// an event tag ending in SEND, or in RCV/RECV, and optionally a byte count.
// "Lost N events" (bpftrace's TextOutput::lost_events) is counted and reported, never ignored.
//
// JSON output (-f json; bpftrace src/output.cpp JsonOutput): one object per line,
//   {"type": "attached_probes", "data": {"probes": 2}}
//   {"type": "time", "data": "14:03:07 "}
//   {"type": "printf", "data": "4121 tritonserver 10.0.0.5:8000 ... TCP_SEND\n"}
//   {"type": "lost_events", "data": {"events": 12}}
// The "time" and "printf" texts are joined back into lines and read as the text output above.
// Strings (comm, addresses) are kept as data: stored verbatim, never interpreted.

import {InputError} from "../../common/errors.ts";
import type {Diagnostics} from "../common/diagnostics.ts";
import type {netEvents} from "../../store/datasets.ts";
import type {RowOf} from "../../store/schema.ts";

export type NetEventRow = RowOf<typeof netEvents>;

const EVENT = /^(\S+)\s+(\d+)\s+(.*?)\s+(\[[0-9A-Fa-f:.%\w]+\]|[0-9A-Fa-f:.%\w]+):(\d+)\s+(\[[0-9A-Fa-f:.%\w]+\]|[0-9A-Fa-f:.%\w]+):(\d+)(?:\s+(\d+))?\s+(\w*(?:SEND|RCV|RECV))(?:\s+(\d+))?\s*$/i;
const LOST = /^Lost (\d+) events\s*$/;
const BPFTRACE_OWN = /^(Attaching \d+ probes?\.\.\.|Attached \d+ probes?|Tracing .*|Hit Ctrl-C.*)\s*$/i;
const HEADER = /^TIME\s+PID\s+COMM\b/i;

export function sniffBpftraceLog(head: string): "json" | "text" {
  const first = head.replace(/^\uFEFF/, "").split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  return /^\{\s*"type"\s*:/.test(first.trim()) ? "json" : "text";
}

function unbracket(addr: string): string {
  return addr.startsWith("[") && addr.endsWith("]") ? addr.slice(1, -1) : addr;
}

export class BpftraceLineParser {
  readonly rows: NetEventRow[] = [];
  lostEvents = 0;
  unparsed = 0;

  constructor(
    private readonly file: string,
    private readonly diagnostics: Diagnostics
  ) {}

  line(text: string, lineNo: number): void {
    const t = text.trim();
    if (t === "") return;
    const lost = LOST.exec(t);
    if (lost) {
      const n = Number(lost[1]);
      this.lostEvents += n;
      this.diagnostics.add("lost_events", "warning", "events lost by bpftrace (its perf buffer overflowed; the count is events, summed over 'Lost N events' lines): the network timeline has gaps", {line: lineNo, count: n});
      return;
    }
    if (HEADER.test(t) || BPFTRACE_OWN.test(t)) return;
    const m = EVENT.exec(t);
    if (!m) {
      this.unparsed++;
      this.diagnostics.add("unparsed_line", "warning", `a line is not an event (TIME PID COMM SADDR:SPORT DADDR:DPORT [TIME] *SEND|*RCV): ${JSON.stringify(t.slice(0, 80))}; skipped`, {line: lineNo});
      return;
    }
    const [, time, pid, comm, saddrRaw, sport, daddrRaw, dport, ns, event, bytes] = m;
    const saddr = unbracket(saddrRaw);
    const daddr = unbracket(daddrRaw);
    const numericTime = /^\d+$/.test(time);
    const tsNs = ns ?? (numericTime ? time : undefined);
    const upper = event.toUpperCase();
    this.rows.push({
      source_file: this.file,
      line: lineNo,
      wall_time: numericTime ? null : time,
      ts_ns: tsNs === undefined ? null : BigInt(tsNs),
      pid: Number(pid),
      comm,
      family: saddr.includes(":") || daddr.includes(":") ? "ipv6" : "ipv4",
      saddr,
      sport: Number(sport),
      daddr,
      dport: Number(dport),
      direction: upper.endsWith("SEND") ? "send" : "recv",
      event,
      bytes: bytes === undefined ? null : BigInt(bytes)
    });
  }
}

export interface BpftraceParse {
  rows: NetEventRow[];
  lostEvents: number;
  format: "json" | "text";
}

/** Parse a whole log (text or -f json). */
export function parseBpftraceLog(text: string, {file, diagnostics}: {file: string; diagnostics: Diagnostics}): BpftraceParse {
  const format = sniffBpftraceLog(text.slice(0, 4096));
  const parser = new BpftraceLineParser(file, diagnostics);
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let lineCount = 0;
  if (format === "text") {
    lines.forEach((l, i) => parser.line(l, i + 1));
    lineCount = lines.filter((l) => l.trim() !== "").length;
  } else {
    // Reassemble the printed text: time() and printf() messages, split into lines where "\n" falls.
    let pending = "";
    let pendingLine = 0;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i].trim();
      if (raw === "") continue;
      lineCount++;
      let msg: unknown;
      try {
        msg = JSON.parse(raw);
      } catch {
        const last = lines.slice(i + 1).every((l) => l.trim() === "");
        diagnostics.add(last ? "truncated_line" : "bad_json_line", "warning", last ? "the last line is cut off (bpftrace still running or killed?); skipped" : "a line of the -f json log is not JSON; skipped", {line: i + 1});
        continue;
      }
      const m = msg as {type?: unknown; data?: unknown};
      if (typeof m !== "object" || m === null || typeof m.type !== "string") {
        diagnostics.add("bad_json_line", "warning", "a line of the -f json log has no \"type\"; skipped", {line: i + 1});
        continue;
      }
      if (m.type === "lost_events") {
        const n = Number((m.data as {events?: unknown})?.events);
        if (Number.isFinite(n)) parser.line(`Lost ${n} events`, i + 1);
        continue;
      }
      if ((m.type === "printf" || m.type === "time") && typeof m.data === "string") {
        if (pending === "") pendingLine = i + 1;
        pending += m.data;
        let nl = pending.indexOf("\n");
        while (nl >= 0) {
          parser.line(pending.slice(0, nl), pendingLine);
          pending = pending.slice(nl + 1);
          pendingLine = i + 1;
          nl = pending.indexOf("\n");
        }
        continue;
      }
      diagnostics.add("other_message", "info", `bpftrace messages other than printf/time/lost_events (e.g. ${m.type}) are not network events; skipped`, {line: i + 1});
    }
    if (pending.trim() !== "") parser.line(pending, pendingLine);
  }
  if (parser.rows.length === 0 && parser.unparsed > 0 && parser.unparsed === lineCount) {
    throw new InputError(file, "no line is a network event (TIME PID COMM SADDR:SPORT DADDR:DPORT [TIME] *SEND|*RCV)", {
      hint: "Give the output of the tcp_sendmsg/tcp_recvmsg bpftrace script (text, or -f json)."
    });
  }
  return {rows: parser.rows, lostEvents: parser.lostEvents, format};
}
