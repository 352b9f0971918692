// Operators page, waterfall: the nodes of one run of each profile (the first after the warm-up).
import {printProfileArrow} from "../../loaders/profile/views.ts";
import {OP_WATERFALL_SQL} from "../../loaders/profile/page-sql.ts";

await printProfileArrow(OP_WATERFALL_SQL);
