// The InputError a call throws, to check its file, line and message.
import assert from "node:assert/strict";
import {InputError} from "../../../../loaders/common/errors.ts";

export function capture(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new assert.AssertionError({message: "expected an InputError"});
}
