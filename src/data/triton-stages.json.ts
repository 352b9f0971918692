// The timeline stages in order (key and label), so the page draws what the loaders computed.
import {printJson} from "../../loaders/store/loader.ts";
import {TIMELINE_STAGES} from "../../loaders/formats/triton-trace/stages.ts";

await printJson(async () => TIMELINE_STAGES.map(({key, label}) => ({key, label})));
