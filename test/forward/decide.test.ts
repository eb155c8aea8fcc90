import { describe, expect, it } from "vitest";
import { type AttemptFacts, decide, parkedOutcome } from "../../src/forward/decide.js";

const facts = (f: Partial<AttemptFacts>): AttemptFacts => ({
  status: null,
  network: false,
  retry: 0,
  retries: 3,
  targetDown: false,
  retryBaseMs: 100,
  ...f,
});
const HALF = () => 0.5;

describe("decide: the retry/park/fail decision after one attempt", () => {
  it.each([
    ["a 2xx", { status: 204 }, { next: "forwarded" }],
    ["a 2xx even on the last retry", { status: 200, retry: 3 }, { next: "forwarded" }],
    ["a 5xx with retries left", { status: 503 }, { next: "retry", retryInMs: 75 }],
    [
      "a 5xx on the 2nd retry (backoff doubles)",
      { status: 500, retry: 1 },
      { next: "retry", retryInMs: 150 },
    ],
    ["a 5xx out of retries: the app's answer", { status: 500, retry: 3 }, { next: "failed" }],
    ["a 4xx, never retried", { status: 404 }, { next: "failed" }],
    ["a network error with retries left", { network: true }, { next: "retry", retryInMs: 75 }],
    [
      "a network error out of retries: the app is not there",
      { network: true, retry: 3 },
      { next: "parked" },
    ],
    [
      "a network error once the target is down",
      { network: true, targetDown: true },
      { next: "parked" },
    ],
    [
      "a 5xx while the target is down (no retry at a closed port)",
      { status: 502, targetDown: true },
      { next: "failed" },
    ],
  ] as const)("%s", (_name, f, expected) => {
    expect(decide(facts(f), HALF)).toEqual(expected);
  });

  it("announces a parked delivery as attempt 0, untried", () => {
    expect(parkedOutcome({ seq: 7, deliveryId: "d", target: "http://t/" })).toEqual({
      seq: 7,
      deliveryId: "d",
      target: "http://t/",
      attempt: 0,
      status: null,
      error: "target down",
      durationMs: 0,
      slow: false,
      next: "parked",
    });
  });
});
