// Operators page: every op type's rank, share of operator time and executions per run, per model /
// runtime / device / opt level (warm-up runs left out; local profiles from each host's latest run).
// The same SQL as `inferscope ops top` (loaders/ops/topk.ts); the page keeps the top k.
import {allRanksSql, printProfileArrow} from "../../loaders/profile/views.ts";

await printProfileArrow((connection) => allRanksSql(connection));
