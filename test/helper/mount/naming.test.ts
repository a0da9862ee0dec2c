import { describe, expect, it } from "@jest/globals";
import {
  defaultMountName,
  displayRemotePath,
  freeName,
  normalizeRemotePath,
  formatTarget,
  parseTarget,
  targetFromArguments,
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

describe("formatTarget", () => {
  it("writes a place as parseTarget reads it, the home folder as the bare alias", () => {
    expect(formatTarget("web", "")).toBe("web");
    expect(formatTarget("web", "~/")).toBe("web");
    expect(formatTarget("web", "projects")).toBe("web:~/projects");
    expect(formatTarget("web", "/srv/a:b/")).toBe("web:/srv/a:b");
    for (const [alias, path] of [
      ["web", "/srv/a:b"],
      ["db", "~/x y"],
    ]) {
      const again = parseTarget(formatTarget(alias, path));
      expect(formatTarget(again.alias, again.remotePath)).toBe(formatTarget(alias, path));
    }
  });
});

describe("targetFromArguments", () => {
  it("takes the path from the host argument or from its own, the CLI's grammar either way", () => {
    expect(targetFromArguments("web")).toEqual({ alias: "web", remotePath: "" });
    expect(targetFromArguments(" web:/srv ", "")).toEqual({ alias: "web", remotePath: "/srv" });
    expect(targetFromArguments("web", "~/site")).toEqual({ alias: "web", remotePath: "~/site" });
    expect(targetFromArguments("web:/srv", "/srv")).toEqual({ alias: "web", remotePath: "/srv" });
  });

  it("refuses two different paths and an alias ssh would take as an option", () => {
    expect(() => targetFromArguments("web:/srv", "/etc")).toThrow(/Give the remote path once/);
    expect(() => targetFromArguments("-oProxyCommand=x")).toThrow(/not a host alias/);
    expect(() => targetFromArguments("web", "a\nb")).toThrow(/control characters/);
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
