import { describe, expect, it } from "@jest/globals";
import {
  defaultMountName,
  displayRemotePath,
  freeName,
  normalizeRemotePath,
  parseTarget,
  validateMountName,
  validateMountRequest,
} from "../../../helper/mount/naming";

describe("normalizeRemotePath", () => {
  it.each([
    ["", ""],
    ["~", ""],
    ["~/", ""],
    ["~/src/app", "src/app"],
    ["src/app/", "src/app"],
    ["/", "/"],
    ["/var/www//", "/var/www"],
    ["/srv/My Files/Café", "/srv/My Files/Café"],
    ["../etc", "../etc"],
    ["-rf", "-rf"],
  ])("%j becomes %j", (input, expected) => {
    expect(normalizeRemotePath(input)).toBe(expected);
  });

  it("refuses control characters with a typed error", () => {
    expect(() => normalizeRemotePath("a\nb")).toThrow(expect.objectContaining({ kind: "invalid-input" }));
  });
});

describe("displayRemotePath", () => {
  it("shows home-relative paths with ~", () => {
    expect(displayRemotePath("")).toBe("~");
    expect(displayRemotePath("src")).toBe("~/src");
    expect(displayRemotePath("/etc")).toBe("/etc");
  });
});

describe("parseTarget", () => {
  it("splits at the first colon only", () => {
    expect(parseTarget("web")).toEqual({ alias: "web", remotePath: "" });
    expect(parseTarget("web:/a:b")).toEqual({ alias: "web", remotePath: "/a:b" });
    expect(parseTarget("web:")).toEqual({ alias: "web", remotePath: "" });
  });
});

describe("mount names", () => {
  it("derives readable, valid defaults", () => {
    expect(defaultMountName("Prod-Web", "")).toBe("prod-web");
    expect(defaultMountName("web", "/srv/My Site")).toBe("web-my-site");
    expect(defaultMountName("user@host", "~/x")).toBe("user-host-x");
    expect(defaultMountName("☃", "")).toBe("mount");
    expect(defaultMountName("Homes", "")).toBe("homes-mount");
    for (const name of [defaultMountName("a".repeat(300), "b".repeat(300)), defaultMountName("-x-", "/")]) {
      expect(validateMountName(name)).toBe(name);
    }
  });

  it("rejects names Samba or Docker could not take", () => {
    for (const bad of ["global", "PRINTERS", "", "-x", "a b", "a/b", "x;rm", "a".repeat(64), "é"]) {
      expect(() => validateMountName(bad)).toThrow(expect.objectContaining({ kind: "invalid-input" }));
    }
  });
});

describe("freeName", () => {
  it("keeps a free name and numbers a taken one, within the 63 characters a name may have", () => {
    expect(freeName("web", new Set(["other"]))).toBe("web");
    expect(freeName("web", new Set(["web", "web-2"]))).toBe("web-3");
    expect(validateMountName(freeName("a".repeat(63), new Set(["a".repeat(63)])))).toBe(`${"a".repeat(58)}-2`);
  });
});

describe("validateMountRequest", () => {
  it.each([
    ["an alias that is an ssh option", "-oProxyCommand=x", "", undefined],
    ["a remote path with a newline", "web", "a\nb", undefined],
    ["a name Samba reserves", "web", "", "homes"],
  ])("refuses %s before anything starts", (_, alias, remotePath, name) => {
    expect(() => validateMountRequest(alias, remotePath, name)).toThrow(
      expect.objectContaining({ kind: "invalid-input" }),
    );
  });

  it("takes what a user may type", () => {
    expect(() => validateMountRequest("web", "~/site", "site")).not.toThrow();
    expect(() => validateMountRequest("web", "", undefined)).not.toThrow();
  });
});
