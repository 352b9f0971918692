// Progress on stderr for long work: what runs, n of m, elapsed, an estimate of the time left.
// On a terminal the line is redrawn in place; in logs (cron, CI) each step is its own line.

export interface ProgressOptions {
  total: number;
  /** Expected relative cost of each step, for a better time-left estimate (default: equal). */
  work?: readonly number[];
  label?: string;
  stream?: NodeJS.WriteStream | {write(s: string): unknown; isTTY?: boolean};
  now?: () => number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export class Progress {
  readonly total: number;
  private done = 0;
  private readonly started: number;
  private readonly stream: NonNullable<ProgressOptions["stream"]>;
  private readonly now: () => number;
  private readonly label: string;
  private readonly work?: readonly number[];

  constructor({total, work, label = "", stream = process.stderr, now = Date.now}: ProgressOptions) {
    this.total = total;
    this.work = work && work.length === total && work.every((w) => w > 0) ? work : undefined;
    this.label = label;
    this.stream = stream;
    this.now = now;
    this.started = now();
  }

  /** Announce the step about to run (1-based index is done+1). */
  start(what: string): void {
    const i = this.done + 1;
    const elapsed = this.now() - this.started;
    const sum = (from: number, to: number) => (this.work ? this.work.slice(from, to).reduce((a, b) => a + b, 0) : to - from);
    const left = this.done > 0 ? (elapsed / sum(0, this.done)) * sum(this.done, this.total) : NaN;
    const eta = this.done > 0 ? `, ~${formatDuration(left)} left` : "";
    const prefix = this.label ? `${this.label} ` : "";
    this.stream.write(`${prefix}[${i}/${this.total}] ${what} (elapsed ${formatDuration(elapsed)}${eta})\n`);
  }

  /** Mark one step finished, with an optional one-line result. */
  finish(result?: string): void {
    this.done++;
    if (result) this.stream.write(`  ${result}\n`);
  }

  get completed(): number {
    return this.done;
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
