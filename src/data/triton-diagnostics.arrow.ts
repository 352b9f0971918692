// What the serving-stack imports (Triton traces, perf_analyzer CSVs, bpftrace logs) met in their files.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, collected_at, source_file, format, severity, code, message, count, first_line, first_offset
  FROM import_diagnostics
  WHERE format = 'triton-trace' OR format = 'perf-analyzer-csv' OR format LIKE 'bpftrace%'
  ORDER BY collected_at DESC, source_file, severity`);
