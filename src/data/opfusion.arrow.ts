// Operators page, fusion maps: original ops -> runtime kernel, with counts, per model / runtime / level.
import {printProfileArrow} from "../../loaders/profile/views.ts";
import {OP_FUSION_SQL} from "../../loaders/profile/page-sql.ts";

await printProfileArrow(OP_FUSION_SQL);
