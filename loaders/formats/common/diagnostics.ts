// Problems met while reading a file, counted per kind (code) with the first place each occurred.
// A structural fault (unknown format, bad header) throws an InputError instead; these are the
// record-level problems an import survives and reports, like perfetto's import stats.

export type Severity = "info" | "warning" | "error";

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  count: number;
  first_line: number | null;
  first_offset: number | null;
}

export class Diagnostics {
  private readonly byCode = new Map<string, Diagnostic>();

  add(code: string, severity: Severity, message: string, {line, offset, count = 1}: {line?: number; offset?: number; count?: number} = {}): void {
    const d = this.byCode.get(code);
    if (d) {
      d.count += count;
      return;
    }
    this.byCode.set(code, {code, severity, message, count, first_line: line ?? null, first_offset: offset ?? null});
  }

  list(): Diagnostic[] {
    return [...this.byCode.values()];
  }

  count(code: string): number {
    return this.byCode.get(code)?.count ?? 0;
  }

  get size(): number {
    return this.byCode.size;
  }

  /** One line per kind, for stderr. */
  format(file: string): string[] {
    return this.list().map((d) => {
      const where = d.first_line !== null ? `:${d.first_line}` : d.first_offset !== null ? ` (byte ${d.first_offset})` : "";
      return `${d.severity}: ${file}${where}: ${d.message}${d.count > 1 ? ` (${d.count} times)` : ""}`;
    });
  }
}
