// Temporary folders for tests, removed when the test process exits (a node:test `after` registered
// inside a hook would run as soon as that hook ends, too early).
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true});
});

export async function tempDir(prefix = "inferscope-test-"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
