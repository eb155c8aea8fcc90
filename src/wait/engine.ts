import { globMatcher } from "../event-type-glob.js";
import { evaluate } from "./match.js";
import type { ForwardInfo, NearMiss, WaitMatch, WaitReport, WaitRow, WaitSpec } from "./types.js";

/** Near misses kept for the timeout report. */
export const CLOSEST_KEPT = 3;
/** Distinct other event types counted (a flood of odd types must not grow memory). */
const OTHER_TYPES_KEPT = 50;

/** Reads the LogEvents of one delivery (its stored body), undefined when unreadable. */
export type LoadEvents = (seq: number) => readonly unknown[] | undefined;

/**
 * Decides which stored events count for `okhook wait`, and remembers what came closest.
 * Pure: rows go in, counted events come out; the store and the clock stay outside.
 * An event counts once per uuid (Okta delivers at least once, so a duplicate is the same event).
 */
export class WaitEngine {
  private readonly typeMatches: (type: string) => boolean;
  private readonly counted = new Set<string>();
  private readonly matches: WaitMatch[] = [];
  /** Matching events whose delivery the app has not taken yet (--forwarded), by seq. */
  private readonly awaiting = new Map<number, WaitMatch[]>();
  private closest: NearMiss[] = [];
  private readonly others = new Map<string, number>();
  private sameType = 0;
  private seen = 0;

  constructor(private readonly spec: WaitSpec) {
    this.typeMatches = globMatcher(spec.eventType);
  }

  /** True once enough events counted. */
  get done(): boolean {
    return this.matches.length >= this.spec.count;
  }

  /** Events counted so far, in the order they counted. */
  get matched(): readonly WaitMatch[] {
    return this.matches;
  }

  /** Deliveries with matching events still waiting for the app (--forwarded). */
  awaitingSeqs(): number[] {
    return [...this.awaiting.keys()];
  }

  /** Look at new rows (oldest first); returns the events that counted now. */
  offer(rows: readonly WaitRow[], load: LoadEvents): WaitMatch[] {
    const now: WaitMatch[] = [];
    for (const row of rows) {
      if (this.done) break;
      let bodyEvents: readonly unknown[] | undefined | null = null;
      for (const ref of row.events) {
        this.seen++;
        const type = ref.eventType ?? "";
        if (!ref.eventType || !this.typeMatches(type)) {
          this.countOther(type || "(no eventType)");
          continue;
        }
        this.sameType++;
        if (ref.uuid && this.counted.has(ref.uuid)) continue;
        if (bodyEvents === null) bodyEvents = load(row.seq);
        const event = bodyEvents?.[ref.idx];
        const candidate: WaitMatch = {
          seq: row.seq,
          deliveryId: row.deliveryId,
          receivedAt: row.receivedAt,
          idx: ref.idx,
          uuid: ref.uuid,
          eventType: type,
          duplicate: ref.duplicate,
          forward: row.forward,
          event,
        };
        if (!this.holds(candidate)) continue;
        if (this.spec.forwarded && !isTaken(row.forward)) {
          this.await(candidate);
          continue;
        }
        if (this.count(candidate)) now.push(candidate);
        if (this.done) break;
      }
    }
    return now;
  }

  /** New forward states of awaited deliveries; returns the events that counted now. */
  updateForward(states: ReadonlyMap<number, ForwardInfo>): WaitMatch[] {
    const now: WaitMatch[] = [];
    for (const [seq, waiting] of this.awaiting) {
      const forward = states.get(seq);
      if (!forward) continue;
      for (const m of waiting) m.forward = forward;
      if (!isTaken(forward)) {
        for (const m of waiting) this.noteNotForwarded(m);
        continue;
      }
      this.awaiting.delete(seq);
      for (const m of waiting) {
        if (this.done) break;
        if (this.count(m)) now.push(m);
      }
    }
    return now;
  }

  /** What arrived, for the message when the wait times out. */
  report(): WaitReport {
    const otherTypes = [...this.others]
      .map(([eventType, count]) => ({ eventType, count }))
      .sort((a, b) => b.count - a.count);
    return {
      wanted: this.spec.count,
      counted: this.matches.length,
      closest: [...this.closest],
      sameType: this.sameType,
      otherTypes,
      seen: this.seen,
    };
  }

  /** Every condition holds; a miss is remembered if it is among the closest. */
  private holds(m: WaitMatch): boolean {
    const outcomes = this.spec.conditions.map((c) => evaluate(m.event, c));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length === 0) return true;
    this.keepClosest({
      ...summary(m),
      held: outcomes.length - failed.length,
      of: outcomes.length,
      failed,
    });
    return false;
  }

  private await(m: WaitMatch): void {
    const list = this.awaiting.get(m.seq) ?? [];
    if (!list.some((x) => x.idx === m.idx)) list.push(m);
    this.awaiting.set(m.seq, list);
    this.noteNotForwarded(m);
  }

  private noteNotForwarded(m: WaitMatch): void {
    const of = this.spec.conditions.length;
    this.keepClosest({ ...summary(m), held: of, of, failed: [], forward: m.forward });
  }

  private count(m: WaitMatch): boolean {
    if (m.uuid) {
      if (this.counted.has(m.uuid)) return false;
      this.counted.add(m.uuid);
    }
    this.matches.push(m);
    // It arrived after all: it is no longer a miss.
    this.closest = this.closest.filter((c) => !(c.seq === m.seq && c.uuid === m.uuid));
    return true;
  }

  private countOther(type: string): void {
    const n = this.others.get(type);
    if (n !== undefined) this.others.set(type, n + 1);
    else if (this.others.size < OTHER_TYPES_KEPT) this.others.set(type, 1);
  }

  /** Best first: more conditions held; an event only the app has yet to take beats any; newer wins ties. */
  private keepClosest(miss: NearMiss): void {
    const rest = this.closest.filter((c) => !(c.seq === miss.seq && c.uuid === miss.uuid));
    rest.push(miss);
    rest.sort((a, b) => score(b) - score(a) || b.seq - a.seq);
    this.closest = rest.slice(0, CLOSEST_KEPT);
  }
}

/** The app took the delivery: forwarded, and every target answered 2xx. */
function isTaken(f: ForwardInfo): boolean {
  return f.state === "forwarded";
}

function score(m: NearMiss): number {
  return m.held + (m.forward ? 0.5 : 0);
}

function summary(m: WaitMatch) {
  return {
    seq: m.seq,
    deliveryId: m.deliveryId,
    receivedAt: m.receivedAt,
    uuid: m.uuid,
    eventType: m.eventType,
  };
}
