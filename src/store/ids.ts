import { randomFillSync } from "node:crypto";

/** Crockford base32, lower-case: the ULID alphabet. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** Random bytes drawn per crypto call; one ULID with a new millisecond uses 10 of them. */
const POOL_BYTES = 4096;

const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;
let lastTime = -1;
const random = new Uint8Array(RANDOM_CHARS);

/** 80 fresh random bits as 16 base32 digits (drawn from a pooled buffer: one crypto call per ~400 ids). */
function freshRandom(): void {
  if (poolAt + 10 > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let bits = 0;
  let acc = 0;
  let out = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | pool[poolAt++]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      random[out++] = (acc >>> bits) & 31;
    }
    acc &= (1 << bits) - 1;
  }
}

/** Monotonic step within one millisecond: add one to the random part. False on overflow. */
function increment(): boolean {
  for (let i = RANDOM_CHARS - 1; i >= 0; i--) {
    if (random[i]! < 31) {
      random[i]!++;
      return true;
    }
    random[i] = 0;
  }
  return false;
}

/**
 * A new sortable delivery id (ULID, lower-case): time-ordered, 26 characters. Monotonic like
 * ulid's monotonicFactory (same millisecond → random part + 1), without a crypto call per id.
 */
export function newDeliveryId(now: number = Date.now()): string {
  if (now <= lastTime) {
    if (!increment()) {
      lastTime++;
      freshRandom();
    }
  } else {
    lastTime = now;
    freshRandom();
  }
  let time = lastTime;
  let id = "";
  for (let i = 0; i < TIME_CHARS; i++) {
    id = ALPHABET[time % 32] + id;
    time = Math.floor(time / 32);
  }
  for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[random[i]!];
  return id;
}

/** The short form shown in lists: the last 8 characters (the random part). */
export function shortId(id: string): string {
  return id.slice(-8);
}

/** Length of the short id shown in lists. */
export const SHORT_ID_LENGTH = 8;
/** Length of a full delivery id. */
export const ID_LENGTH = TIME_CHARS + RANDOM_CHARS;

/** Letters Crockford base32 reads as digits (what ULID libraries accept on input). */
const ALIASES: Record<string, string> = { i: "1", l: "1", o: "0" };

/**
 * What a user typed as (part of) a delivery id, in the stored form: lower case, with
 * Crockford's look-alikes I/L → 1 and O → 0. Undefined when it cannot be part of an id.
 */
export function normalizeIdInput(input: string): string | undefined {
  const s = input
    .trim()
    .toLowerCase()
    .replace(/[ilo]/g, (c) => ALIASES[c]!);
  if (s.length === 0 || s.length > ID_LENGTH) return undefined;
  for (const c of s) if (!ALPHABET.includes(c)) return undefined;
  return s;
}
