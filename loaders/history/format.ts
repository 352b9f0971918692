// Small text formatting shared by the `runs` commands.

export function utc(d: Date | string | null | undefined): string {
  if (!d) return "-";
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? "-" : date.toISOString().slice(0, 19).replace("T", " ");
}

export function duration(from: Date | null, to: Date | null): string {
  if (!from || !to) return "-";
  const s = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function pct(v: number): string {
  return Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}%` : "-";
}

export function ms(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? "-" : v < 10 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(1);
}

/** Left-aligned text columns (numbers right-aligned when `right` names them). */
export function table(rows: string[][], {right = []}: {right?: number[]} = {}): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

/** Dates and BigInts as JSON-friendly values; non-finite numbers become null. */
export function jsonReplacer(_: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  return v;
}
