// Every power sample of every batch sweep (one row per sample), so the Batching page can show power
// and clocks over a whole sweep: throttling shows as a fall, not hidden in a mean.
import {printArrow} from "../../loaders/store/loader.ts";

await printArrow(`
  SELECT run_id, batch, unnest(power_t_s) AS t_s, unnest(power_w) AS watts, unnest(sm_clock_mhz) AS sm_clock_mhz, unnest(temp_c) AS temp_c
  FROM batch_sweep
  WHERE power_w IS NOT NULL
  ORDER BY run_id, t_s`);
