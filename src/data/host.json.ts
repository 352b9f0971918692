// The machine that builds the report: a quick probe (no benchmark runs).
import {probeHost} from "../../loaders/host/probe.ts";
import {printJson} from "../../loaders/store/loader.ts";

await printJson(probeHost);
