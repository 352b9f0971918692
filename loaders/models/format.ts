// Text tables for `models info` and `models list`: counts with thousands separators, FLOPs in G/M/K.

import type {ModelInfo} from "./info.ts";

export function withCommas(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** 7.734e9 -> "7.734 G"; 1.6e6 -> "1.600 M". */
export function si(n: number, digits = 3): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(digits)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(digits)} M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(digits)} K`;
  return `${n}`;
}

export function table(header: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatModelInfo(file: string, info: ModelInfo): string {
  const shape = (s: (number | string | null)[]) => `[${s.map((d) => d ?? "?").join(", ")}]`;
  const lines = [
    `model     ${file}`,
    `opset     ${info.opset}, ${info.nodes} nodes`,
    ...info.inputs.map((t) => `input     ${t.name} ${t.type} ${shape(t.shape)}`),
    ...info.outputs.map((t) => `output    ${t.name} ${t.type} ${shape(t.shape)}`),
    `params    ${withCommas(info.params)}`,
    `MACs      ${withCommas(info.macs)} (${si(info.macs)}) at batch ${info.batch}`,
    `FLOPs     ${withCommas(info.flops)} (${si(info.flops)}) at batch ${info.batch}`,
    ""
  ];
  const ops = Object.entries(info.by_op_type).sort((a, b) => b[1].flops - a[1].flops || b[1].params - a[1].params || a[0].localeCompare(b[0]));
  const rows = ops.map(([op, s]) => [
    op,
    String(s.count),
    withCommas(s.params),
    withCommas(s.macs),
    withCommas(s.flops),
    info.flops > 0 ? `${((100 * s.flops) / info.flops).toFixed(1)}%` : "-",
    info.uncounted[op] ? `not counted: ${info.uncounted[op].nodes} node(s)` : ""
  ]);
  lines.push(table(["op type", "nodes", "params", "MACs", "FLOPs", "share", "note"], rows, [false, true, true, true, true, true, false]));
  if (info.uncounted_ops.length) {
    lines.push("", `Not counted (${info.uncounted_ops.length} op type(s); the totals above leave them out):`);
    for (const op of info.uncounted_ops) lines.push(`  ${op}: ${info.uncounted[op].nodes} node(s), e.g. ${info.uncounted[op].reason}`);
  }
  return lines.join("\n");
}
