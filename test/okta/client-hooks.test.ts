import { afterEach, describe, expect, it } from "vitest";
import { RemoteApiError } from "../../src/errors.js";
import { OktaClient } from "../../src/okta/client.js";
import type { EventHookInput } from "../../src/okta/types.js";
import { closeOktaRigs, startOktaRig } from "../helpers/okta-rig.js";
import { failure } from "../helpers/thrown.js";

afterEach(closeOktaRigs);

async function setup() {
  const { fake, receiver, agent } = await startOktaRig({ verifyTimeoutMs: 200 });
  const client = new OktaClient({
    orgUrl: fake.url,
    apiToken: fake.token,
    dispatcher: agent,
    sleep: async () => {},
  });
  return { fake, receiver, client };
}

function hookBody(uri: string, name = "okhook local dev"): EventHookInput {
  return {
    name,
    description: null,
    events: { type: "EVENT_TYPE", items: ["user.lifecycle.create", "group.user_membership.add"] },
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: {
        uri,
        headers: [{ key: "X-Env", value: "local" }],
        authScheme: { type: "HEADER", key: "Authorization", value: "s3cr3t-shared" },
      },
    },
  };
}

describe("OktaClient event hooks", () => {
  it("creates a hook ACTIVE and UNVERIFIED without echoing the secret", async () => {
    const { client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url));
    expect(hook.id).toMatch(/^who/);
    expect(hook.status).toBe("ACTIVE");
    expect(hook.verificationStatus).toBe("UNVERIFIED");
    expect(hook.channel.config.authScheme).toEqual({ type: "HEADER", key: "authorization" });
    expect(JSON.stringify(hook)).not.toContain("s3cr3t-shared");
    expect(await client.getEventHook(hook.id)).toEqual(hook);
    expect((await client.listEventHooks()).map((h) => h.id)).toEqual([hook.id]);
  });

  it("reports a validation failure as one line", async () => {
    const { client } = await setup();
    const err = await failure(client.createEventHook({ ...hookBody("ftp://nope"), name: "" }));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toMatch(
      /^Okta answered 400 E0000001: Api validation failed: eventHook \(name: .*; channel\.config\.uri: must be a valid HTTPS URL\) \[errorId \w+\]$/,
    );
  });

  it("does not resend a create after a 5xx (it may have been made)", async () => {
    const { fake, client, receiver } = await setup();
    fake.inject({ kind: "server-error" }, { path: "/api/v1/eventHooks", method: "POST" });
    await failure(client.createEventHook(hookBody(receiver.url)));
    expect(fake.requests).toHaveLength(1);
  });

  it("verifies by a real GET to the hook URL with Okta's headers", async () => {
    const { fake, client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url));
    const verified = await client.verify(hook.id);
    expect(verified.verificationStatus).toBe("VERIFIED");
    expect(receiver.received).toHaveLength(1);
    const get = receiver.received[0]!;
    expect(get.method).toBe("GET");
    expect(get.url).toBe("/okta/events");
    expect(get.headers["x-okta-verification-challenge"]).toBe(
      fake.hooks.verifications[0]!.challenge,
    );
    expect(get.headers["user-agent"]).toBe("Okta-Integrations");
    expect(get.headers.accept).toBe("application/json");
    expect(get.headers["x-okta-request-id"]).toMatch(/^\w{27}$/);
    expect(get.headers.authorization).toBe("s3cr3t-shared");
    expect(get.headers["x-env"]).toBe("local");
    const logged = fake.log.all().filter((e) => e.eventType === "event_hook.verified");
    expect(logged.map((e) => e.outcome?.result)).toEqual(["SUCCESS"]);
  });

  it.each([
    ["wrong-echo", 1],
    ["text", 1],
  ] as const)("fails verification on a %s answer without retrying", async (mode, attempts) => {
    const { fake, client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url, "My Hook"));
    receiver.script.push(mode);
    const err = await failure(client.verify(hook.id));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as RemoteApiError).errorCode).toBe("E0000001");
    expect(err.message).toMatch(
      /^Okta answered 400 E0000001: Api validation failed: eventHook \(Unable to verify event hook\. Hook My Hook execution failed\)/,
    );
    expect(receiver.received).toHaveLength(attempts);
    expect((await client.getEventHook(hook.id)).verificationStatus).toBe("UNVERIFIED");
    const logged = fake.log.all().filter((e) => e.eventType === "event_hook.verified");
    expect(logged.map((e) => e.outcome?.result)).toEqual(["FAILURE"]);
  });

  it("retries verification once after an error answer or a timeout", async () => {
    const { fake, client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url));
    receiver.script.push("500");
    expect((await client.verify(hook.id)).verificationStatus).toBe("VERIFIED");
    expect(receiver.received).toHaveLength(2);
    receiver.script.push("hang", "hang");
    const err = await failure(client.verify(hook.id));
    expect(err.message).toMatch(/Unable to verify event hook/);
    expect(fake.hooks.verifications[1]!.attempts.map((a) => a.timedOut)).toEqual([true, true]);
    expect(fake.hooks.verifications[1]!.reason).toMatch(/Hook timed out/);
  });

  it("needs a new verification when PUT changes the channel, not when it renames", async () => {
    const { client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url));
    await client.verify(hook.id);
    const renamed = await client.updateEventHook(hook.id, hookBody(receiver.url, "renamed"));
    expect(renamed.name).toBe("renamed");
    expect(renamed.verificationStatus).toBe("VERIFIED");
    const moved = await client.updateEventHook(hook.id, hookBody(`${receiver.url}?v=2`, "renamed"));
    expect(moved.channel.config.uri).toBe(`${receiver.url}?v=2`);
    expect(moved.verificationStatus).toBe("UNVERIFIED");
    expect((await client.verify(hook.id)).verificationStatus).toBe("VERIFIED");
  });

  it("activates, deactivates and deletes only an INACTIVE hook", async () => {
    const { client, receiver } = await setup();
    const hook = await client.createEventHook(hookBody(receiver.url));
    const refused = await failure(client.deleteEventHook(hook.id));
    expect(refused.message).toMatch(/^Okta answered 400 E0000001: .*must be INACTIVE/);
    expect((await client.deactivate(hook.id)).status).toBe("INACTIVE");
    expect((await client.activate(hook.id)).status).toBe("ACTIVE");
    await client.deactivate(hook.id);
    await expect(client.deleteEventHook(hook.id)).resolves.toBeUndefined();
    const gone = await failure(client.getEventHook(hook.id));
    expect((gone as RemoteApiError).status).toBe(404);
    expect(gone.message).toMatch(
      /^Okta answered 404 E0000007: Not found: Resource not found: who\w+ \(EventHook\)/,
    );
    expect(await client.listEventHooks()).toEqual([]);
  });
});
