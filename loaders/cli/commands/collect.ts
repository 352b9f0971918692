import {defineCommand, runCommand} from "../command.ts";
import {UserError} from "../../common/errors.ts";
import {log} from "../../common/progress.ts";
import bench, {benchOptions} from "./bench.ts";
import profile from "./profile.ts";
import {unattended} from "../../history/session.ts";

// The main job: every collector that fills a page from this machine alone, each in its quick form.
// bench (quick matrix, ~1.5 min), operator profiles (~30 s), the Batching page's experiments (~1 min),
// the live serving collection for the Timeline (~40 s) and the quantization study on mobilenet_v1
// (~1.5 min). Each step is also its own command (`npm run collect:<step>`) with more options.
const STEPS = ["bench", "profile", "batching", "serving", "quantization"] as const;
type Step = (typeof STEPS)[number];

export default defineCommand({
  usage: "[--full] [--skip batching,serving,quantization] [bench options]",
  description:
    "Collect on this machine: the benchmark collector (quick matrix by default, --full for every model and setting), operator profiles (`inferscope profile` defaults, or the --models given), the Batching page's sweeps (`inferscope collect batching`), the Timeline's live serving run (`inferscope collect serving`) and the INT8 quantization study on mobilenet_v1 (`inferscope quantize study --models mobilenet_v1`; `npm run collect:quantization` adds resnet50). Then `npm run dev` or `npm run build` shows them.",
  options: {
    ...benchOptions,
    skip: {type: "string", arg: "A,B", description: `steps to leave out: ${STEPS.join(", ")}`}
  },
  positionals: false,
  details: "A step that fails stops the collection; what earlier steps stored stays. Ctrl-C stops after the step in flight.",
  // Unattended-safe (history/session.ts): holds the store's lock throughout, records a failure, --log.
  run: (args) =>
    unattended("collect", {log: args.values.log}, async (session) => {
      const skip = new Set((args.values.skip ?? "").split(",").map((s) => s.trim()).filter(Boolean));
      for (const s of skip) if (!STEPS.includes(s as Step)) throw new UserError(`--skip ${s}: no such step`, {hint: `steps: ${STEPS.join(", ")}`});
      const dry = !!args.values["dry-run"];
      if (!dry) await session.begin();
      const {models, model, json} = args.values;
      const steps: Record<Step, () => Promise<number | void>> = {
        bench: () => bench.run(args),
        profile: () => profile.run({values: {models, model, json, "dry-run": dry} as never, positionals: [], rest: []}),
        batching: async () => runCommand((await import("./collect-batching.ts")).default, []),
        serving: async () => runCommand((await import("./collect-serving.ts")).default, []),
        quantization: async () => runCommand((await import("./quantize-study.ts")).default, ["--models", "mobilenet_v1", ...(dry ? ["--dry-run"] : [])])
      };
      // These two have no dry run of their own: say what they would do.
      if (dry) for (const s of ["batching", "serving"] as const) if (!skip.has(s)) log(`collect: ${s}: would run \`inferscope collect ${s}\` (see its --help)`);
      const todo = STEPS.filter((s) => !skip.has(s) && !(dry && (s === "batching" || s === "serving")));
      for (const [i, step] of todo.entries()) {
        log(`collect: step ${i + 1} of ${todo.length}: ${step}`);
        const code = await steps[step]();
        if (code) return code;
      }
      return 0;
    })
});
