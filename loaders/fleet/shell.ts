// POSIX shell quoting for the commands fleet sends over SSH. The remote login shell parses what ssh
// sends, so every word is single-quoted; a word may refer to a variable of the remote script (the
// temporary store's path, the user id) through a placeholder that stays unquoted and expands there.

/** A placeholder for `"$name"` of the remote script, usable inside a word: `${remoteVar("store")}:/data`. */
export function remoteVar(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad remote variable name ${name}`);
  return `\u0000${name}\u0000`;
}

/** One word for a POSIX shell; placeholders from remoteVar() become "$name". */
export function shellQuote(word: string): string {
  const quoted = /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
  // A placeholder closes the single quotes, expands the variable in double quotes, and reopens.
  const expanded = quoted.replace(/\u0000([A-Za-z_][A-Za-z0-9_]*)\u0000/g, (_, name: string) => (quoted.startsWith("'") ? `'"$${name}"'` : `"$${name}"`));
  return expanded.replace(/^''(?=")|(?<=")''$/g, "");
}

/** A command line for a POSIX shell. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
