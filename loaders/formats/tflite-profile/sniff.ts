// Cheap check: is this text TFLite benchmark_model op-profiling output (stdout or the CSV file)?
// Both print tables under "============================== <title> ==============================" banners
// (tensorflow/core/util/stats_calculator.cc, StatsCalculator::HeaderString).

export type TfliteLayout = "text" | "csv";

const BANNER = /^(?:INFO: )?=+ (Run Order|Top by Computation Time|Top by Memory Use|Summary by node type) =+\s*$/m;

export function sniffTfliteProfile(text: string): TfliteLayout | null {
  if (!BANNER.test(text)) return null;
  // Tab-separated bracketed headers ("\t [node type]\t ...") are the text layout; "node type, ..." is CSV.
  if (/^\s*\[node type\]/im.test(text)) return "text";
  if (/^(?:INFO: )?node type, /im.test(text)) return "csv";
  return "text";
}
