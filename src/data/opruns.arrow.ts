// Operators page: which profiles are shown (local configurations and imported files) and the hosts' ceilings.
import {printProfileArrow} from "../../loaders/profile/views.ts";
import {OP_RUNS_SQL} from "../../loaders/profile/page-sql.ts";

await printProfileArrow(OP_RUNS_SQL);
