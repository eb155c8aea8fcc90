import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { schemaAjv } from "../fixtures/validate.js";

const SCHEMA_URL = new URL("../../schemas/okhook-export.schema.json", import.meta.url);

/** The records of an export file that have a schema (`schemas/okhook-export.schema.json`). */
export type RecordType = "header" | "delivery" | "attempt" | "end";

let validators: Record<RecordType, ValidateFunction> | undefined;

/** Compile the export schema once, on first use. */
function getValidators(): Record<RecordType, ValidateFunction> {
  if (validators) return validators;
  const ajv = schemaAjv();
  const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as { $id: string };
  ajv.addSchema(schema);
  const get = (def: RecordType) => ajv.getSchema(`${schema.$id}#/$defs/${def}`)!;
  validators = {
    header: get("header"),
    delivery: get("delivery"),
    attempt: get("attempt"),
    end: get("end"),
  };
  return validators;
}

/** The first way `value` breaks the schema of its record type (`/path message`), if any. */
export function recordProblem(type: RecordType, value: unknown): string | undefined {
  const validate = getValidators()[type];
  if (validate(value)) return undefined;
  const err = validate.errors?.[0];
  if (!err) return "does not match the export format";
  if (err.keyword === "required")
    return `${err.instancePath}/${(err.params as { missingProperty: string }).missingProperty} is required`;
  if (err.keyword === "enum")
    return `${err.instancePath} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  return `${err.instancePath || "/"} ${err.message ?? "does not match the export format"}`;
}
