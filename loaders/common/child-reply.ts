// The end of every measuring child process (bench, sweep, profile): run its work, turn a throw into
// a failed result, print one `MARK {json}` line for the parent and exit. Exiting explicitly matters:
// onnxruntime-web keeps worker handles open, and the parent only needs that line.

/** The process's peak resident memory so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The first lines of an error, for a one-line failed result. */
export function shortError(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split("\n").slice(0, 3).join(" ");
}

export async function replyToParent<R extends {ok: boolean}>(mark: string, main: () => Promise<R>, failed: (error: string) => R): Promise<never> {
  let result: R;
  try {
    result = await main();
  } catch (error) {
    result = failed(shortError(error));
  }
  process.stdout.write(`\n${mark} ${JSON.stringify(result)}\n`);
  process.exit(result.ok ? 0 : 2);
}
