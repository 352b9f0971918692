import {defineCommand} from "../command.ts";
import bench, {benchOptions} from "./bench.ts";

// The main job: today the benchmark collector's quick matrix; other collectors join as they land.
export default defineCommand({
  usage: "[--full] [bench options]",
  description: "Collect on this machine: run the benchmark collector (quick matrix by default, --full for every model and setting) and add the results to the store. Then `npm run dev` or `npm run build` shows them.",
  options: benchOptions,
  positionals: false,
  run: (args) => bench.run(args)
});
