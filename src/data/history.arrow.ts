// History page: one point per benchmark run and configuration (median latency with its bootstrap
// interval) and the change from the previous run of the same configuration on the same host,
// flagged as `inferscope runs compare` flags it (loaders/history/series.ts).
import {printHistory} from "../../loaders/history/series.ts";

await printHistory();
