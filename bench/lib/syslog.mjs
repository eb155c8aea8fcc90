// Deterministic System Log events for the reconcile scenario: event i has a fixed uuid,
// type and published time, so the fake Okta (child process) and the local database
// (generated here) agree without passing 400,000 events between processes.

export const EVENT_TYPES = [
  "user.lifecycle.create",
  "user.lifecycle.activate",
  "group.user_membership.add",
  "group.user_membership.remove",
  "user.account.update_profile",
  "application.user_membership.add",
];

/** The uuid of event i: version-1 shaped like Okta's (time_low varies fastest), unique per prefix. */
export function uuidOf(prefix, i) {
  const timeLow = (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
  return `${timeLow}-${prefix.slice(0, 4)}-11f1-${prefix.slice(4, 8)}-${i.toString(16).padStart(12, "0")}`;
}

/** Core identity of event i. */
export function eventCore(o, i) {
  return {
    uuid: uuidOf(o.prefix, i),
    published: new Date(o.startMs + i * o.spacingMs).toISOString(),
    eventType: EVENT_TYPES[i % EVENT_TYPES.length],
  };
}

/** A full LogEvent as `/api/v1/logs` returns it (about 1.2 KB of JSON). */
export function fullEvent(o, i) {
  const core = eventCore(o, i);
  const requestId = `aQ${i.toString(36).padStart(25, "x")}`;
  return {
    ...core,
    version: "0",
    severity: "INFO",
    legacyEventType: "core.user.config.user_creation_success",
    displayMessage: "Create Okta user",
    actor: {
      id: "00u5a1xk9QvT2mBcd1d7",
      type: "User",
      alternateId: "dana.admin@example.com",
      displayName: "Dana Admin",
      detailEntry: null,
    },
    client: {
      userAgent: {
        rawUserAgent: "okta-sdk-nodejs/7.1.0 node/20.19.0 linux/6.8.0",
        os: "Linux",
        browser: "UNKNOWN",
      },
      zone: "null",
      device: "Unknown",
      id: null,
      ipAddress: "198.51.100.10",
      geographicalContext: {
        city: "Ashburn",
        state: "Virginia",
        country: "United States",
        postalCode: "20147",
      },
    },
    authenticationContext: { authenticationStep: 0, externalSessionId: "trs5LkQ2vX9mNc0RzT4wYp8b" },
    securityContext: {
      asNumber: 64511,
      asOrg: "example cloud",
      isp: "example cloud",
      domain: "example.com",
      isProxy: false,
    },
    debugContext: {
      debugData: { requestId, requestUri: "/api/v1/users", threatSuspected: "false" },
    },
    outcome: { result: "SUCCESS", reason: null },
    target: [
      {
        id: "00uGCHkxpTFSEksHm1d7",
        type: "User",
        alternateId: `user${i}@example.com`,
        displayName: "Priya Natarajan",
        detailEntry: null,
      },
    ],
    transaction: { type: "WEB", id: requestId, detail: {} },
  };
}
