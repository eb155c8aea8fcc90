import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NetworkError } from "../../src/errors.js";
import { resolveCloudflared } from "../../src/tunnel/resolve.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

let root: string;

beforeEach(() => {
  root = tmpDir("okhook-resolve-");
});

afterEach(() => {
  cleanupTmp();
});

function executable(dir: string, name = "cloudflared", mode = 0o755): string {
  mkdirSync(join(root, dir), { recursive: true });
  const file = join(root, dir, name);
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, mode);
  return file;
}

const never = () => {
  throw new Error("install must not be called");
};

describe("resolveCloudflared", () => {
  it("prefers the explicit path over PATH and npm", async () => {
    const flag = executable("flag", "my-cloudflared");
    executable("bin");
    const npmBin = executable("npm");
    const found = await resolveCloudflared({
      explicit: flag,
      pathEnv: join(root, "bin"),
      npmBinPath: npmBin,
      install: never,
    });
    expect(found).toEqual({ path: flag, source: "flag" });
  });

  it("looks a bare explicit name up on PATH", async () => {
    const onPath = executable("bin", "cloudflared-2026");
    const found = await resolveCloudflared({
      explicit: "cloudflared-2026",
      pathEnv: join(root, "bin"),
    });
    expect(found).toEqual({ path: onPath, source: "flag" });
  });

  it("fails on a bad explicit path instead of falling back, naming it", async () => {
    executable("bin");
    const missing = join(root, "nope", "cloudflared");
    const err = await resolveCloudflared({
      explicit: missing,
      explicitLabel: "OKHOOK_CLOUDFLARED",
      pathEnv: join(root, "bin"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toContain(`OKHOOK_CLOUDFLARED "${missing}"`);
    expect((err as Error).message).toContain("brew install cloudflared");
  });

  it("takes the first executable cloudflared on PATH, skipping non-executable files", async () => {
    executable("a", "cloudflared", 0o644);
    const b = executable("b");
    executable("c");
    const found = await resolveCloudflared({
      pathEnv: ["", join(root, "missing"), join(root, "a"), join(root, "b"), join(root, "c")].join(
        ":",
      ),
      npmBinPath: executable("npm"),
      install: never,
    });
    expect(found).toEqual({ path: b, source: "path" });
  });

  it("uses the npm package's binary when nothing else is there", async () => {
    const npmBin = executable("npm");
    const found = await resolveCloudflared({
      pathEnv: join(root, "empty"),
      npmBinPath: npmBin,
      install: never,
    });
    expect(found).toEqual({ path: npmBin, source: "npm" });
  });

  it("downloads a missing npm binary through a temp file and checks it", async () => {
    const npmBin = join(root, "npm", "bin", "cloudflared");
    const calls: string[] = [];
    const found = await resolveCloudflared({
      pathEnv: "",
      npmBinPath: npmBin,
      install: async (to) => {
        calls.push(to);
        mkdirSync(join(root, "npm", "bin"), { recursive: true });
        writeFileSync(to, "#!/bin/sh\nexit 0\n");
        chmodSync(to, 0o755);
      },
    });
    expect(found).toEqual({ path: npmBin, source: "npm", installed: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]).not.toBe(npmBin);
    expect(readdirSync(join(root, "npm", "bin"))).toEqual(["cloudflared"]);
  });

  it("does not trust an install that 'succeeds' offline without a binary", async () => {
    const npmBin = join(root, "npm", "bin", "cloudflared");
    const err = await resolveCloudflared({
      pathEnv: "",
      npmBinPath: npmBin,
      install: async () => {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toContain(`npm package binary ${npmBin} missing after download`);
    expect(existsSync(npmBin)).toBe(false);
  });

  it("bounds the download in time and removes a half-written file", async () => {
    const npmBin = join(root, "npm", "cloudflared");
    mkdirSync(join(root, "npm"));
    let release: () => void = () => {};
    const err = await resolveCloudflared({
      pathEnv: "",
      npmBinPath: npmBin,
      installTimeoutMs: 50,
      install: (to) => {
        writeFileSync(to, "partial");
        return new Promise<void>((_, reject) => {
          release = () => reject(new Error("socket hang up"));
        });
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("download timed out");
    release();
    await waitFor(() => readdirSync(join(root, "npm")).length === 0, { what: "temp file removal" });
  });

  it("says what was tried and how to install when everything is missing", async () => {
    const npmBin = join(root, "npm", "cloudflared");
    const err = await resolveCloudflared({
      pathEnv: join(root, "empty"),
      npmBinPath: npmBin,
      install: async () => {
        throw new Error("getaddrinfo ENOTFOUND github.com");
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toBe(
      `cloudflared not found (--cloudflared/OKHOOK_CLOUDFLARED not set; no cloudflared on PATH; npm package binary ${npmBin} download failed: getaddrinfo ENOTFOUND github.com): install it (brew install cloudflared, apt install cloudflared, or a binary from https://github.com/cloudflare/cloudflared/releases) or pass --cloudflared <path>`,
    );
  });

  it("can skip the npm step entirely", async () => {
    const err = await resolveCloudflared({ pathEnv: "", npmBinPath: false }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain("npm package binary not used");
  });

  it("finds the npm package's default binary path by itself", async () => {
    const found = await resolveCloudflared({ pathEnv: "", install: false }).catch(
      (e: unknown) => e,
    );
    const expected = join("node_modules", "cloudflared", "bin", "cloudflared");
    if (found instanceof Error) expect(found.message).toContain(`${expected} (download disabled)`);
    else expect(found).toMatchObject({ source: "npm", path: expect.stringContaining(expected) });
  });
});
