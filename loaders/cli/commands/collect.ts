import {defineCommand} from "../command.ts";
import bench, {benchOptions} from "./bench.ts";
import profile from "./profile.ts";
import {unattended} from "../../history/session.ts";

// The main job: the benchmark collector's quick matrix, then the operator profiles (`inferscope
// profile` with its defaults, about half a minute more); other collectors join as they land.
export default defineCommand({
  usage: "[--full] [bench options]",
  description:
    "Collect on this machine: run the benchmark collector (quick matrix by default, --full for every model and setting), then profile operators with ONNX Runtime (`inferscope profile` defaults, or the --models given), and add the results to the store. Then `npm run dev` or `npm run build` shows them.",
  options: benchOptions,
  positionals: false,
  // Unattended-safe (history/session.ts): holds the store's lock throughout, records a failure, --log.
  run: (args) =>
    unattended("collect", {log: args.values.log}, async (session) => {
      if (!args.values["dry-run"]) await session.begin();
      const code = await bench.run(args);
      if (code) return code;
      const {models, model, json} = args.values;
      return profile.run({values: {models, model, json, "dry-run": args.values["dry-run"]} as never, positionals: [], rest: []});
    })
});
