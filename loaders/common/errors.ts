// User-facing errors. The CLI prints `message` (and `hint`) on one line each, with no stack trace,
// and exits with `exitCode`. Anything that is not a UserError is a bug and keeps its stack.

export class UserError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, {hint, exitCode = 1, cause}: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, {cause});
    this.name = "UserError";
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad input at a known place: names the file, the line (or byte offset), what was found and what was expected. */
export class InputError extends UserError {
  readonly file: string;
  readonly line?: number;
  readonly offset?: number;
  constructor(
    file: string,
    detail: string,
    {line, offset, hint, cause}: {line?: number; offset?: number; hint?: string; cause?: unknown} = {}
  ) {
    const where = line !== undefined ? `:${line}` : offset !== undefined ? ` (byte ${offset})` : "";
    super(`${file}${where}: ${detail}`, {hint, cause});
    this.name = "InputError";
    this.file = file;
    this.line = line;
    this.offset = offset;
  }
}

/** A required external tool or permission is missing. */
export class ToolMissingError extends UserError {
  constructor(tool: string, hint: string) {
    super(`${tool} is not available`, {hint});
    this.name = "ToolMissingError";
  }
}

/** The run was cancelled (Ctrl-C). Exit code 130 as shells use for SIGINT. */
export class CancelledError extends UserError {
  constructor(what = "cancelled") {
    super(what, {exitCode: 130});
    this.name = "CancelledError";
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export function formatUserError(error: UserError): string {
  return `inferscope: ${error.message}${error.hint ? `\n  ${error.hint}` : ""}`;
}
