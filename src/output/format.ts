import { Chalk, type ChalkInstance } from "chalk";
import type { OkhookEnv } from "../config.js";
import type { ForwardShown } from "../delivery-shown.js";
import type { AuthState, DeliveryKind } from "../store/types.js";
import { safe } from "../text/sanitize.js";
import { padEnd } from "../text/width.js";

export { clock, duration } from "../format-time.js";

/** Where a renderer writes and the environment that decides its colours (a command passes its own). */
export interface RenderContext {
  stdout: NodeJS.WriteStream;
  env: OkhookEnv;
}

/** A chalk instance honouring NO_COLOR, FORCE_COLOR and whether the stream is a TTY. */
export function colorFor(stream: { isTTY?: boolean }, env: OkhookEnv): ChalkInstance {
  let level: 0 | 1 | 2 | 3 = stream.isTTY ? 2 : 0;
  if (env.forceColor !== undefined) {
    const n = Number(env.forceColor);
    level = env.forceColor === "false" || n === 0 ? 0 : n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1;
  }
  if (env.noColor) level = 0;
  return new Chalk({ level });
}

// An auth value is often `<scheme> <secret>` (`Bearer …`, `SSWS …`, `Basic …`): the scheme is
// not secret and must not count towards the length that decides how much of the secret shows.
// Only known schemes: the first word of a passphrase must not be shown as if it were one.
const SCHEME = /^(bearer|basic|ssws|token|digest|negotiate|apikey|api-key|key)( +)(\S.*)$/is;
/** Secrets shorter than this show no character at all. */
export const MASK_MIN_REVEAL = 12;
/** At most this many characters of a secret ever show, and never more than one in eight. */
export const MASK_MAX_REVEAL = 4;

/** Mask a secret for display: a `Bearer `-style scheme stays, of the secret at most 4 characters and 1/8 of it. */
export function mask(value: string): string {
  const m = SCHEME.exec(value);
  const [scheme, secret] = m ? [`${m[1]}${m[2]}`, m[3]!] : ["", value];
  return `${safe(scheme)}${maskSecret(secret)}`;
}

function maskSecret(secret: string): string {
  const chars = [...secret];
  if (chars.length < MASK_MIN_REVEAL) return "•".repeat(8);
  const shown = Math.min(MASK_MAX_REVEAL, Math.floor(chars.length / 8));
  const head = Math.floor(shown / 2);
  const tail = shown - head;
  return safe(`${chars.slice(0, head).join("")}…${chars.slice(chars.length - tail).join("")}`);
}

/** Colour an HTTP status by class. */
export function statusColor(c: ChalkInstance, status: number | null): string {
  if (status === null) return c.red("—");
  if (status < 300) return c.green(String(status));
  if (status < 500) return c.yellow(String(status));
  return c.red(String(status));
}

/** Colour a delivery kind (or `text` standing for it, e.g. its short label). */
export function kindColor(c: ChalkInstance, kind: DeliveryKind, text: string = kind): string {
  switch (kind) {
    case "delivery":
    case "replay":
    case "backfill":
    case "fixture":
    case "inline":
      return c.cyan(text);
    case "verification":
      return c.magenta(text);
    default:
      return c.yellow(text);
  }
}

/** Colour an auth state. */
export function authColor(c: ChalkInstance, auth: AuthState): string {
  if (auth === "ok") return c.green("auth ok");
  if (auth === "none") return c.dim("no auth");
  return c.red(`auth ${auth}`);
}

/** Colour a delivery's forward field (`forwardShown`; `never` reads `—`), or `text` standing for it. */
export function forwardColor(
  c: ChalkInstance,
  shown: ForwardShown,
  text: string = shown === "never" ? "—" : shown,
): string {
  if (shown === "forwarded") return c.green(text);
  if (shown === "failed") return c.red(text);
  if (shown === "pending") return c.yellow(text);
  return c.dim(text);
}

/** `1 delivery`, `2 deliveries`, `1 event`, `3 events`: a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** `2 events user.lifecycle.create +1` */
export function eventsLabel(count: number, firstType: string | null): string {
  if (count === 0) return "0 events";
  const more = count > 1 ? ` +${count - 1}` : "";
  return `${firstType ?? "?"}${more}`;
}

/** Pad to `width` terminal cells (colour escapes and wide characters accounted for); never cuts. */
export function pad(s: string, width: number): string {
  return padEnd(s, width);
}
