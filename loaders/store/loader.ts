// Helpers for Framework data loaders (src/data/*.ts): read the store, print to stdout, and on
// failure print one clear line to stderr and exit non-zero so Framework keeps the last good output.

import {queryArrowIPC} from "./arrow.ts";
import {openStore} from "./store.ts";
import {maybeRedactJson} from "../history/redact-output.ts";

async function guard(what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.stderr.write(`inferscope data loader (${what}): ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** Print the result of `sql` over the store's views as an Arrow IPC stream. */
export async function printArrow(sql: string): Promise<void> {
  await guard("arrow", async () => {
    const store = await openStore();
    try {
      const bytes = await queryArrowIPC(store.connection, sql);
      await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
    } finally {
      store.close();
    }
  });
}

export async function printJson(value: () => Promise<unknown>): Promise<void> {
  await guard("json", async () => {
    process.stdout.write(JSON.stringify(await maybeRedactJson(await value())));
  });
}
