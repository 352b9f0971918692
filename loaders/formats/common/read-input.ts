// Reads a file a user named on the command line; a missing or unreadable one is a one-line
// InputError naming it as the user wrote it, with what to do.

import {readFile} from "node:fs/promises";
import {InputError} from "../../common/errors.ts";

export async function readInput(path: string, {shownAs = path}: {shownAs?: string} = {}): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError(shownAs, why, {hint: "Check the path and try again", cause: error});
  }
}
