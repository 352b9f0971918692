// History page: every run in the store, newest first, with how it ended (failed scheduled runs show here).
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, kind, status, collected_at, ended_at, rows_written, error, git_commit, host_name
  FROM runs ORDER BY collected_at DESC, run_id DESC`);
