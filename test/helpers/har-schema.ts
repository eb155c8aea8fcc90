import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

/**
 * A validator of HAR 1.2 documents: the schema vendored in test/schemas, written from the
 * spec (its $comment cites it), compiled with ajv (already a dependency). npm's har-schema
 * (2.0.0, 2017) is draft-06 and states its minimums with `min`, which JSON Schema ignores.
 */
export function harValidator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s));
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  const schema = JSON.parse(
    readFileSync(new URL("../schemas/har-1.2.schema.json", import.meta.url), "utf8"),
  );
  return ajv.compile(schema);
}
