// Telephony inline hook (com.okta.telephony.provider), research §3.6: one command,
// com.okta.telephony.action, whose value is an ARRAY of {status, provider, transactionId,
// transactionMetadata}; status is required, SUCCESSFUL | PENDING | FAILED (REF-TEL, G-TEL).
// A malformed or unmappable answer is skipped and Okta fails over to its own providers
// (OAS Troubleshoot; G-TEL "Failover"; PR#3019) — documented, unlike most types.
import {
  type Command,
  checkCommandType,
  describeJson,
  type Findings,
  type Judge,
} from "./commands.js";
import { isObject } from "./patch.js";

const STATUSES = ["SUCCESSFUL", "PENDING", "FAILED"];

/** Judge telephony commands: at least one action with a valid status. */
export const judgeTelephony: Judge = (commands, _request, f) => {
  let ok = true;
  const results: { status: string; provider?: string }[] = [];
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "telephony", f)) ok = false;
    else ok = actions(cmd, f, results) && ok;
  }
  if (ok && results.length === 0) {
    f.error("no com.okta.telephony.action: Okta can't tell whether your provider sent the OTP");
    ok = false;
  }
  if (!ok) return { outcome: "invalid" };
  const first = results.find((r) => r.status === "SUCCESSFUL") ?? results[0]!;
  const via = first.provider ? ` via ${first.provider}` : "";
  if (first.status === "SUCCESSFUL") {
    return {
      outcome: "applied",
      okta: `Okta takes the OTP as delivered by your provider${via} (SUCCESSFUL)`,
    };
  }
  if (first.status === "FAILED") {
    // HELP-TEL: if the provider fails to deliver, Okta falls back to its own.
    return {
      outcome: "applied",
      okta: `your provider failed${via} (FAILED): Okta sends the OTP through its own providers`,
    };
  }
  f.warn("PENDING: what Okta does with an unconfirmed delivery is undocumented");
  return {
    outcome: "applied",
    okta: `delivery unconfirmed${via} (PENDING); Okta's reaction is undocumented`,
  };
};

function actions(cmd: Command, f: Findings, out: { status: string; provider?: string }[]): boolean {
  if (!Array.isArray(cmd.value) || cmd.value.length === 0) {
    const what = Array.isArray(cmd.value) ? "an empty array" : describeJson(cmd.value);
    f.error(
      `${cmd.type} needs an array like [{"status": "SUCCESSFUL", "provider": "…"}], not ${what}`,
      `${cmd.at}.value`,
    );
    return false;
  }
  let ok = true;
  cmd.value.forEach((entry, i) => {
    const at = `${cmd.at}.value[${i}]`;
    if (!isObject(entry)) {
      f.error(`each action must be an object with a status, not ${describeJson(entry)}`, at);
      ok = false;
      return;
    }
    if (typeof entry.status !== "string" || !STATUSES.includes(entry.status)) {
      f.error(
        `status must be SUCCESSFUL, PENDING or FAILED, not ${describeJson(entry.status)}`,
        `${at}.status`,
      );
      ok = false;
      return;
    }
    for (const key of ["provider", "transactionId", "transactionMetadata"]) {
      if (key in entry && typeof entry[key] !== "string") {
        f.warn(`${key} should be a string, not ${describeJson(entry[key])}`, `${at}.${key}`);
      }
    }
    out.push({
      status: entry.status,
      ...(typeof entry.provider === "string" ? { provider: entry.provider } : {}),
    });
  });
  return ok;
}
