// Inline hook request fixtures: `fixtures/inline/<name>.json`, one request each, with a
// `_meta` block like the event-hook fixtures ({inlineType, eventType, requestType?,
// description, formatVersion}), validated against schemas/okta-inline-hook-request.schema.json.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { describeError, UsageError } from "../errors.js";
import { looksLikePath } from "../fixtures/catalog.js";
import { displayPath, readJsonFile } from "../fixtures/load.js";
import { firstIssue, schemaAjv } from "../fixtures/validate.js";
import { suggest } from "../okta/event-types.js";
import { isObject } from "./patch.js";
import {
  INLINE_EVENT_TYPES,
  INLINE_TYPE_NAMES,
  type InlineTypeName,
  inlineTypeOf,
  isInlineTypeName,
} from "./types.js";

/** Where the shipped inline fixtures live (dist/ mirrors src/). */
export const INLINE_FIXTURES_DIR = fileURLToPath(
  new URL("../../fixtures/inline/", import.meta.url),
);
const SCHEMA_URL = new URL("../../schemas/okta-inline-hook-request.schema.json", import.meta.url);

/** The fixture `send inline <type>` uses when given a bare type name. */
export const DEFAULT_INLINE_FIXTURE: Record<InlineTypeName, string> = {
  token: "token",
  registration: "registration",
  "password-import": "password-import",
  "user-import": "user-import",
  saml: "saml",
  telephony: "telephony.mfa-verification",
};

/** One inline fixture as a listing shows it. */
export interface InlineFixtureInfo {
  name: string;
  type: InlineTypeName;
  requestType?: string;
  description: string;
  file: string;
}

/** A loaded, validated inline request (`_meta` removed). */
export interface InlineFixture extends InlineFixtureInfo {
  request: Record<string, unknown>;
}

/** Every shipped inline fixture, sorted by name (reads `_meta` only). */
export function listInlineFixtures(dir = INLINE_FIXTURES_DIR): InlineFixtureInfo[] {
  return names(dir).map((name) =>
    info(name, join(dir, `${name}.json`), readJsonFile(join(dir, `${name}.json`))),
  );
}

/**
 * Load `token` (a type: its default fixture), `telephony.password-reset` (a fixture name or
 * unique prefix) or `./my-request.json` (a file), and validate it against its type's schema.
 */
export function loadInlineFixture(
  arg: string,
  options: { dir?: string; cwd?: string } = {},
): InlineFixture {
  const dir = options.dir ?? INLINE_FIXTURES_DIR;
  if (looksLikePath(arg)) {
    const file = resolve(options.cwd ?? process.cwd(), arg);
    return validated(info(arg, file, readJsonFile(file, arg)), readJsonFile(file, arg), arg);
  }
  const name = resolveName(isInlineTypeName(arg) ? DEFAULT_INLINE_FIXTURE[arg] : arg, dir);
  const file = join(dir, `${name}.json`);
  const shown = displayPath(file, options.cwd);
  const doc = readJsonFile(file, shown);
  return validated(info(name, file, doc), doc, shown);
}

/** Check a request against its type's schema; a UsageError naming the file and JSON path. */
export function assertInlineRequest(type: InlineTypeName, request: unknown, shown: string): void {
  const validate = validators()[type];
  if (validate(request)) return;
  const issue = firstIssue(validate.errors);
  throw new UsageError(
    `${shown}: ${issue.path} ${issue.message} (a ${type} inline hook request; fix the file or pick another)`,
  );
}

function validated(i: InlineFixtureInfo, doc: unknown, shown: string): InlineFixture {
  const { _meta: _, ...request } = doc as Record<string, unknown>;
  assertInlineRequest(i.type, request, shown);
  return { ...i, request };
}

function info(name: string, file: string, doc: unknown): InlineFixtureInfo {
  if (!isObject(doc))
    throw new UsageError(`${name}: expected an inline hook request (a JSON object)`);
  const meta = isObject(doc._meta) ? doc._meta : {};
  const type = inlineTypeOf(doc.eventType);
  if (!type) {
    const known = Object.values(INLINE_EVENT_TYPES).join(", ");
    throw new UsageError(
      `${name}: eventType ${JSON.stringify(doc.eventType ?? null)} is not an inline hook type (one of ${known})`,
    );
  }
  const requestType = typeof doc.requestType === "string" ? doc.requestType : undefined;
  const description =
    typeof meta.description === "string" ? meta.description : `${type} inline hook request`;
  return { name, type, description, file, ...(requestType ? { requestType } : {}) };
}

function resolveName(arg: string, dir: string): string {
  const all = names(dir);
  if (all.includes(arg)) return arg;
  const prefixed = all.filter((n) => n.startsWith(arg));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new UsageError(`inline fixture "${arg}": matches ${prefixed.join(", ")} (name one)`);
  }
  const hint = suggest(arg, [...INLINE_TYPE_NAMES, ...all]);
  throw new UsageError(
    `inline fixture "${arg}": no such type or fixture (${hint ? `did you mean ${hint}? ` : ""}types: ${INLINE_TYPE_NAMES.join(", ")})`,
  );
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -".json".length))
      .sort();
  } catch (err) {
    throw new UsageError(`inline fixtures directory ${dir}: ${describeError(err)}`);
  }
}

let compiled: Record<InlineTypeName, ValidateFunction> | undefined;

/** One validator per type, compiled on first use. */
function validators(): Record<InlineTypeName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = schemaAjv();
  const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as { $id: string };
  ajv.addSchema(schema);
  const out = {} as Record<InlineTypeName, ValidateFunction>;
  for (const t of INLINE_TYPE_NAMES) {
    const v = ajv.getSchema(`${schema.$id}#/$defs/${t}`);
    if (!v) throw new Error(`inline schema has no $defs/${t}`);
    out[t] = v;
  }
  compiled = out;
  return out;
}
