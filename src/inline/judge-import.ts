// Password import (§3.3) and user import (§3.4) inline hooks. Both use
// com.okta.action.update, with different values: {credential: VERIFIED|UNVERIFIED}
// (REF-PWD) and {result: CREATE_USER|LINK_USER} (REF-IMP). What Okta does with an unknown
// command is undocumented for both: the failure rule applies.
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

/** Judge password import commands. */
export const judgePasswordImport: Judge = (commands, _request, f) => {
  let credential: string | undefined;
  let ok = true;
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "password-import", f)) {
      ok = false;
      continue;
    }
    const value = objectValue(cmd, f, '{"credential": "VERIFIED"}');
    const v = value && enumField(cmd, value, "credential", ["VERIFIED", "UNVERIFIED"], f);
    if (v) credential = v;
    else ok = false;
  }
  if (!ok) return { outcome: "invalid" };
  if (credential === "VERIFIED") {
    return {
      outcome: "applied",
      okta: "Okta signs the user in and stores the password (VERIFIED)",
    };
  }
  if (credential === "UNVERIFIED") {
    return {
      outcome: "applied",
      okta: "Okta rejects the sign-in; the password is not imported (UNVERIFIED)",
    };
  }
  return { outcome: "default" };
};

/** Judge user import commands; LINK_USER needs the user to link to (REF-IMP). */
export const judgeUserImport: Judge = (commands, request, f) => {
  let result: string | undefined;
  let linkTo: string | undefined;
  const changes: string[] = [];
  let ok = true;
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "user-import", f)) {
      ok = false;
      continue;
    }
    const value = objectValue(cmd, f, exampleOf(cmd.type));
    if (!value) {
      ok = false;
    } else if (cmd.type === "com.okta.action.update") {
      const r = enumField(cmd, value, "result", ["CREATE_USER", "LINK_USER"], f);
      if (r) result = r;
      else ok = false;
    } else if (cmd.type === "com.okta.user.update") {
      const id = userId(cmd, value, f);
      if (id) linkTo = id;
      else ok = false;
    } else {
      changes.push(
        `${cmd.type === "com.okta.appUser.profile.update" ? "app user" : "Okta user"} ${keyList(value)}`,
      );
    }
  }
  if (result === "LINK_USER" && linkTo === undefined) {
    f.error("LINK_USER needs a com.okta.user.update {id} command naming the Okta user to link to");
    ok = false;
  }
  if (!ok) return { outcome: "invalid" };
  if (result === undefined && changes.length === 0) return { outcome: "default" };
  const action =
    result === "LINK_USER"
      ? `links the user to ${linkTo}`
      : result === "CREATE_USER"
        ? "creates a new user"
        : `keeps its default action (${defaultResult(request)})`;
  const profile = changes.length ? `; profile changes: ${changes.join("; ")}` : "";
  return { outcome: "applied", okta: `The import ${action}${profile}` };
};

function userId(cmd: Command, value: Record<string, unknown>, f: Findings): string | undefined {
  if (typeof value.id !== "string" || value.id === "") {
    f.error(`${cmd.type} needs {"id": "<Okta user id>"}`, `${cmd.at}.value.id`);
    return undefined;
  }
  // Okta user ids start 00u; REF-IMP's own example links a 00g… (group-style) id (§7 #17).
  if (!value.id.startsWith("00u")) {
    f.warn(
      `user id ${value.id} doesn't look like an Okta user id (they start 00u)`,
      `${cmd.at}.value.id`,
    );
  }
  return value.id;
}

function exampleOf(type: string): string {
  if (type === "com.okta.action.update") return '{"result": "CREATE_USER"}';
  if (type === "com.okta.user.update") return '{"id": "00u…"}';
  return '{"firstName": "Ana"}';
}

/** The import's current default, `data.action.result` of the request. */
export function defaultResult(request: unknown): string {
  const data = isObject(request) && isObject(request.data) ? request.data : {};
  const action = isObject(data.action) ? data.action : {};
  return typeof action.result === "string" ? action.result : "CREATE_USER";
}
