// Operators page, roofline: each profiled node (kernel) averaged over the timed runs, with its FLOPs
// from the fusion map and the ceilings of the host it ran on.
import {printProfileArrow} from "../../loaders/profile/views.ts";
import {OP_NODES_SQL} from "../../loaders/profile/page-sql.ts";

await printProfileArrow(OP_NODES_SQL);
