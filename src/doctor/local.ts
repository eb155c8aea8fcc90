import type { ReadOnlyReason } from "../store/errors.js";
import type { CloudflaredInfo, DbFacts, ListenerFacts } from "./facts.js";
import { type Check, fail, ok, skip, warn } from "./types.js";

/** Oldest Node okhook supports (package.json engines). */
export const MIN_NODE = [20, 19] as const;

/** Node version against `engines`. */
export function nodeCheck(version: string): Check {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const supported = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  if (supported) return ok("node", "Node.js", version);
  return fail(
    "node",
    "Node.js",
    `${version} is older than ${MIN_NODE.join(".")}`,
    `install Node.js ${MIN_NODE.join(".")} or later (https://nodejs.org)`,
  );
}

/** The database: there, readable, current schema, writable by listen, private, intact. */
export function databaseChecks(db: DbFacts): Check[] {
  const name = "database";
  if (!db.exists && !db.error) {
    return [
      fail(
        "database",
        name,
        `none at ${db.path}: no okhook listen has run on it`,
        `start one: okhook listen --db ${db.path}`,
      ),
    ];
  }
  if (db.error || !db.schema) {
    return [
      fail(
        "database",
        name,
        `${db.path} cannot be read: ${db.error ?? "unknown error"}`,
        "check the path and its permissions, or move it aside and let okhook listen create a new one",
      ),
    ];
  }
  const checks: Check[] = [];
  const { version, expected } = db.schema;
  const size = db.sizeBytes === undefined ? "" : `${mib(db.sizeBytes)}, `;
  const mode = db.mode === undefined ? "" : `, mode ${db.mode.toString(8).padStart(4, "0")}`;
  checks.push(ok("database", name, `${db.path} (${size}schema ${version}${mode})`));
  if (version > expected) {
    checks.push(
      fail(
        "database.schema",
        "database schema",
        `version ${version} is newer than this okhook (${expected})`,
        "upgrade okhook (npm install -g okhook@latest)",
      ),
    );
  } else if (version < expected) {
    checks.push(
      warn(
        "database.schema",
        "database schema",
        `version ${version}, from an older okhook (current: ${expected})`,
        "the next okhook listen upgrades it",
      ),
    );
  }
  if (db.readOnly) {
    const r = readOnlyWords(db.path, db.readOnly);
    checks.push(
      fail("database.writable", "database writable", `listen cannot write it: ${r.why}`, r.fix),
    );
  }
  if (db.mode !== undefined && (db.mode & 0o077) !== 0) {
    checks.push(
      warn(
        "database.mode",
        "database permissions",
        `mode ${db.mode.toString(8).padStart(4, "0")}: other users can read what Okta sent`,
        `chmod 600 ${db.path}`,
      ),
    );
  }
  checks.push(integrityCheck(db));
  return checks;
}

function readOnlyWords(file: string, r: ReadOnlyReason): { why: string; fix: string } {
  switch (r.kind) {
    case "readOnlyFileSystem":
      return {
        why: "it is on a read-only file system",
        fix: "copy it somewhere writable and pass --db <copy>",
      };
    case "directoryNotWritable":
      return { why: `its directory ${r.dir} is not writable`, fix: `make ${r.dir} writable` };
    case "fileNotWritable":
      return { why: "the file is not writable", fix: `chmod u+w ${file}` };
  }
}

function integrityCheck(db: DbFacts): Check {
  const name = "database integrity";
  const i = db.integrity;
  if (!i) return skip("database.integrity", name, "not checked");
  if (i.state === "ok") return ok("database.integrity", name, "SQLite quick_check: ok");
  if (i.state === "skipped") return skip("database.integrity", name, i.why);
  return fail(
    "database.integrity",
    name,
    `SQLite quick_check: ${i.detail}`,
    `stop okhook, keep a copy, then: sqlite3 ${db.path} ".recover" | sqlite3 recovered.db (or start afresh with another --db)`,
  );
}

/** Whether a listen runs on the database, where, and for how long. */
export function listenerCheck(l: ListenerFacts | undefined, dbPath: string, now: number): Check {
  const name = "listener";
  if (!l) return skip("listener", name, "the database cannot be read (see above)");
  if (!l.running) {
    const last = l.lastUrl ? ` (the last one listened at ${l.lastUrl})` : "";
    return fail(
      "listener",
      name,
      `no okhook listen is running on ${dbPath}${last}`,
      `start it: okhook listen --db ${dbPath} --forward-to <your app>`,
    );
  }
  const up = l.startedAt ? `, up ${uptime(now - Date.parse(l.startedAt))}` : "";
  return ok("listener", name, `okhook listen pid ${l.pid} at ${l.url ?? "(starting)"}${up}`);
}

/** The running listener's tunnel, as it recorded it. */
export function tunnelCheck(l: ListenerFacts | undefined): Check {
  const name = "tunnel";
  if (!l?.running) return skip("tunnel", name, "no listener running");
  const t = l.tunnel;
  if (!t) {
    return warn(
      "tunnel",
      name,
      "state unknown: the listener did not record it (an older okhook?)",
      "restart okhook listen with this okhook",
    );
  }
  const local = l.url ?? "the local URL";
  switch (t.state) {
    case "ready":
      return ok("tunnel", name, `ready: ${t.publicUrl ?? ""}`);
    case "off":
      return warn(
        "tunnel",
        name,
        `none (--tunnel none): Okta cannot reach ${local}`,
        "drop --tunnel none for a quick tunnel, or use --tunnel token --public-url <https URL>",
      );
    case "starting":
      return warn(
        "tunnel",
        name,
        "still starting",
        "wait a few seconds and run okhook doctor again",
      );
    case "reconnecting":
      return fail(
        "tunnel",
        name,
        `reconnecting${t.reason ? ` (${t.reason})` : ""}: Okta cannot reach ${t.publicUrl ?? "the public URL"} until it is back`,
        "check the network; cloudflared reconnects by itself (restart okhook listen if it does not)",
      );
    default:
      return fail(
        "tunnel",
        name,
        `${t.state}${t.reason ? `: ${t.reason}` : ""}; Okta cannot reach the listener`,
        "restart okhook listen and read its tunnel message (okhook show tunnel-log has cloudflared's log)",
      );
  }
}

/** Requests the listener refused for auth in the last 24 h: Okta's mean a secret or header mismatch. */
export function rejectionsCheck(l: ListenerFacts | undefined): Check {
  const name = "auth rejections (24 h)";
  if (!l?.rejected) return skip("auth.rejections", name, "the database cannot be read");
  if (l.secretSource === "none")
    return skip("auth.rejections", name, "the listener checks no secret");
  const r = l.rejected;
  const total = r.missing + r.wrong;
  if (total === 0) return ok("auth.rejections", name, "no request refused");
  const when = r.lastAt ? `, last at ${new Date(r.lastAt).toISOString()}` : "";
  if (r.fromOkta === 0) {
    return warn(
      "auth.rejections",
      name,
      `${total} refused (${r.missing} without the ${l.header} header, ${r.wrong} with a wrong value${when}), none with Okta's User-Agent`,
      "nothing to fix if these are not yours: the public URL is the internet",
    );
  }
  const fix =
    r.missing >= r.wrong
      ? `Okta sent no ${l.header} header: set the hook's Authentication field to ${l.header} (or run listen with --auth-header <the hook's field>)`
      : `paste the listener's secret into the hook's Authentication secret: okhook secret`;
  return fail(
    "auth.rejections",
    name,
    `${r.fromOkta} deliveries from Okta refused with 401 (${r.missing} missing, ${r.wrong} wrong${when})`,
    fix,
  );
}

/** Which cloudflared listen would run and its version. */
export function cloudflaredCheck(c: CloudflaredInfo, l: ListenerFacts | undefined): Check {
  const name = "cloudflared";
  if (!c.found) {
    const needed = l?.running && l.tunnel?.state !== "off";
    const detail = `not found: ${c.error}`;
    const fix =
      "install it (brew install cloudflared, apt install cloudflared, or a release binary) or set OKHOOK_CLOUDFLARED=<path>";
    return needed ? fail("cloudflared", name, detail, fix) : warn("cloudflared", name, detail, fix);
  }
  if (!c.version) {
    return warn(
      "cloudflared",
      name,
      `${c.path} (${FOUND_BY[c.source]}) did not tell its version${c.error ? `: ${c.error}` : ""}`,
      "run it by hand to see why: cloudflared --version",
    );
  }
  return ok("cloudflared", name, `${c.version} at ${c.path} (${FOUND_BY[c.source]})`);
}

/** Where doctor found cloudflared, in the user's terms (doctor's explicit one is the env var). */
const FOUND_BY = { flag: "OKHOOK_CLOUDFLARED", path: "PATH", npm: "the cloudflared npm package" };

function mib(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `3h 12m`, `5m 3s`, `42s`. */
export function uptime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "0s";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
