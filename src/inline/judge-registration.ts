// Registration inline hook (com.okta.user.pre-registration), research §3.2. Two request
// types: self-service registration (SSR) and progressive profile (PP). Commands:
// com.okta.action.update {registration: ALLOW|DENY} (both), com.okta.user.profile.update
// (SSR only, "invalid" with PP — REF-REG), com.okta.user.progressive.profile.update (PP).
// What Okta does with an unknown or misplaced command is undocumented: failure rule.
import {
  type Command,
  checkCommandType,
  enumField,
  type Findings,
  type Judge,
  keyList,
  objectValue,
} from "./commands.js";
import { isObject } from "./patch.js";

/** The two registration request types (OAS RegistrationInlineHookRequest discriminator). */
export type RegistrationKind = "self.service.registration" | "progressive.profile";

/** Which flow a registration request is; Classic Engine sends no requestType and is SSR. */
export function registrationKind(request: unknown): RegistrationKind {
  return isObject(request) && request.requestType === "progressive.profile"
    ? "progressive.profile"
    : "self.service.registration";
}

/** The user-facing words per flow (CON, REF-REG, OAS RegistrationResponse). */
export function registrationWords(kind: RegistrationKind) {
  const ssr = kind === "self.service.registration";
  return {
    what: ssr ? "registration" : "profile update",
    /** Denied by a command, no `error` object (REF-REG). */
    deniedPlain: ssr ? "Registration denied." : "Profile update denied.",
    /** Denied by an `error` without errorCauses (REF-REG; OAS). */
    deniedDefault: ssr
      ? "Registration cannot be completed at this time."
      : "We found some errors. Please review the form and make corrections.",
  };
}

/** Judge registration commands for the request's flow. */
export const judgeRegistration: Judge = (commands, request, f) => {
  const kind = registrationKind(request);
  const words = registrationWords(kind);
  let decision: string | undefined;
  const set: string[] = [];
  let ok = true;
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "registration", f)) {
      ok = false;
      continue;
    }
    if (cmd.type === "com.okta.action.update") {
      const d = actionValue(cmd, f);
      if (d) decision = d;
      else ok = false;
      continue;
    }
    const profile = profileValue(cmd, kind, f);
    if (profile) set.push(keyList(profile));
    else ok = false;
  }
  if (!ok) return { outcome: "invalid" };
  if (decision === "DENY") {
    return {
      outcome: "applied",
      okta: `Okta denies the ${words.what}; the user sees "${words.deniedPlain}"`,
    };
  }
  if (set.length === 0) return { outcome: "default" };
  return { outcome: "applied", okta: `Okta allows the ${words.what} and sets ${set.join("; ")}` };
};

function actionValue(cmd: Command, f: Findings): string | undefined {
  const value = objectValue(cmd, f, '{"registration": "DENY"}');
  if (!value) return undefined;
  if (!("registration" in value) && "action" in value) {
    // REF-REG prose calls it "attribute action", a leftover fixed in its examples (PR#362).
    f.error(`${cmd.type} value key is "registration", not "action"`, `${cmd.at}.value`);
    return undefined;
  }
  return enumField(cmd, value, "registration", ["ALLOW", "DENY"], f);
}

function profileValue(cmd: Command, kind: RegistrationKind, f: Findings) {
  if (cmd.type === "com.okta.user.profile.update" && kind === "progressive.profile") {
    f.error(
      `${cmd.type} is for self-service registration; a progressive profile answer uses com.okta.user.progressive.profile.update`,
      `${cmd.at}.type`,
    );
    return undefined;
  }
  if (cmd.type === "com.okta.user.progressive.profile.update" && kind !== "progressive.profile") {
    f.error(
      `${cmd.type} answers a progressive profile request; this is self-service registration (use com.okta.user.profile.update)`,
      `${cmd.at}.type`,
    );
    return undefined;
  }
  const value = objectValue(cmd, f, '{"employeeNumber": "1234"}');
  if (!value) return undefined;
  if ("password" in value) {
    f.error("a registration hook can't set password", `${cmd.at}.value.password`);
    return undefined;
  }
  return value;
}
