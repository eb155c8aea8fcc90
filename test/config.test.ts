import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDataDir } from "../src/config.js";

describe("defaultDataDir", () => {
  it("is the XDG data directory on Linux, ~/.local/share without one or with a relative one", () => {
    expect(defaultDataDir({ HOME: "/h", XDG_DATA_HOME: "/xdg" }, "linux")).toBe("/xdg/okhook");
    expect(defaultDataDir({ HOME: "/h" }, "linux")).toBe(join("/h", ".local", "share", "okhook"));
    // the XDG spec: a relative path is invalid and ignored
    expect(defaultDataDir({ HOME: "/h", XDG_DATA_HOME: "rel" }, "linux")).toBe(
      join("/h", ".local", "share", "okhook"),
    );
  });

  it("is Application Support on macOS and LOCALAPPDATA\\okhook\\Data on Windows", () => {
    expect(defaultDataDir({ HOME: "/Users/u" }, "darwin")).toBe(
      join("/Users/u", "Library", "Application Support", "okhook"),
    );
    expect(defaultDataDir({ LOCALAPPDATA: "/lad", USERPROFILE: "/u" }, "win32")).toBe(
      join("/lad", "okhook", "Data"),
    );
    expect(defaultDataDir({ USERPROFILE: "/u" }, "win32")).toBe(
      join("/u", "AppData", "Local", "okhook", "Data"),
    );
  });
});
