// Collection runs in the store, newest first, with the host each ran on.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, kind, status, collected_at, ended_at, rows_written, error, command,
         host_id, host_name, host_cpu, host_cores, host_memory_gb, host_os
  FROM runs ORDER BY collected_at DESC`);
