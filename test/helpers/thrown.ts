import { expect } from "vitest";
import { UsageError } from "../../src/errors.js";

/** The message of the UsageError `fn` throws; the test fails if it throws nothing or another error. */
export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("expected a UsageError");
}

/** The error `p` rejects with; the test fails if it resolves. */
export async function failure<E extends Error = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error("expected a failure");
}
