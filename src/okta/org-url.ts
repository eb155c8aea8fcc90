import { inputExample, UsageError } from "../errors.js";

const EXAMPLE = "https://example.okta.com";

/** True for 127.0.0.0/8, ::1 and localhost, the only hosts where plain http is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Check an Okta org URL and return its origin (`https://dev-123.okta.com`, no trailing slash).
 * https is required except on loopback (tests); paths, queries, credentials and Admin Console
 * (`-admin`) hostnames are refused with a UsageError that shows the fix.
 */
export function validateOrgUrl(raw: string, label = "--org"): string {
  const value = raw.trim();
  const bad = (why: string, fix = EXAMPLE) =>
    new UsageError(`${label} "${value}": ${why} (try ${inputExample(label, fix)})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad("not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw bad("not an https URL");
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !loopback) {
    throw bad("https is required for an Okta org", `https://${url.host}`);
  }
  if (url.username || url.password) throw bad("credentials do not belong in the URL", url.origin);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw bad("the org URL takes no path or query", url.origin);
  }
  const firstLabel = url.hostname.split(".")[0] ?? "";
  if (!loopback && firstLabel.endsWith("-admin")) {
    const fixed = `${url.protocol}//${url.host.replace(/-admin(?=\.)/, "")}`;
    throw bad("that is the Admin Console address, not the org URL", fixed);
  }
  return url.origin;
}
