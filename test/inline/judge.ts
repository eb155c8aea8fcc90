import { DEFAULT_INLINE_FIXTURE, loadInlineFixture } from "../../src/inline/fixtures.js";
import { lintAnswer } from "../../src/inline/lint.js";
import type { InlineTypeName, InlineVerdict } from "../../src/inline/types.js";

const JSON_CT = { "content-type": "application/json" };

/** An answer to judge: a JSON body, or raw bytes, with status, time and headers. */
export interface TestAnswer {
  status?: number;
  body?: unknown;
  raw?: string | Buffer;
  elapsedMs?: number;
  headers?: Record<string, string>;
}

/** Judge `answer` to the type's default fixture (or `fixture`), as the linter would. */
export function judge(
  type: InlineTypeName,
  answer: TestAnswer,
  fixture = DEFAULT_INLINE_FIXTURE[type],
): InlineVerdict {
  const body =
    answer.raw !== undefined
      ? Buffer.from(answer.raw)
      : answer.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(JSON.stringify(answer.body));
  return lintAnswer({
    type,
    request: loadInlineFixture(fixture).request,
    status: answer.status ?? 200,
    headers: answer.headers ?? JSON_CT,
    body,
    elapsedMs: answer.elapsedMs ?? 40,
  });
}

/** `{commands: [{type, value}]}` */
export const cmd = (type: string, value: unknown) => ({ commands: [{ type, value }] });

/** The error messages of a verdict. */
export const errors = (v: InlineVerdict) =>
  v.problems.filter((p) => p.level === "error").map((p) => p.message);
/** The warning messages of a verdict. */
export const warnings = (v: InlineVerdict) =>
  v.problems.filter((p) => p.level === "warning").map((p) => p.message);
