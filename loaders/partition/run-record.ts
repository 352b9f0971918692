// Every partition command is a store run: if it fails before recording how it ended (a unit that
// cannot load the model, a crash mid-profile), the run is still recorded, as failed, with why.

import {finishRun, type Run} from "../store/store.ts";

type Ending = Parameters<typeof finishRun>[1];

export async function recorded<T>(run: Run, body: (finish: (ending: Ending) => Promise<void>) => Promise<T>, {root}: {root?: string} = {}): Promise<T> {
  let finished = false;
  const finish = async (ending: Ending) => {
    finished = true;
    await finishRun(run, ending, {root});
  };
  try {
    return await body(finish);
  } catch (error) {
    if (!finished) await finishRun(run, {status: "failed", rows_written: 0, error: (error as Error)?.message ?? String(error)}, {root}).catch(() => {});
    throw error;
  }
}
