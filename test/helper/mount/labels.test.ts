import { describe, expect, it } from "@jest/globals";
import { containerIp, isMountContainer, metadataOf, publishedPort } from "../../../helper/mount/describe";

const labels = {
  "sshmount.role": "mount",
  "sshmount.name": "web-site",
  "sshmount.alias": "web",
  "sshmount.remote-path": "/var/www",
  "sshmount.ssh-config": "/Users/ann/.ssh/config",
  "sshmount.destination": "ann@web.example:22",
  "sshmount.smb-user": "sshmount",
  "sshmount.created": "2026-12-01T10:00:00.000Z",
};

describe("isMountContainer", () => {
  it("takes the labels sshmount writes, with or without the labels older mounts lack", () => {
    expect(isMountContainer(labels)).toBe(true);
    expect(isMountContainer({ ...labels, "sshmount.ssh-config": "", "sshmount.remote-path": "" })).toBe(true);
    const older = Object.fromEntries(
      Object.entries(labels).filter(([key]) => key !== "sshmount.smb-user" && key !== "sshmount.created"),
    );
    expect(isMountContainer(older)).toBe(true);
    expect(isMountContainer({ ...labels, "sshmount.address": "172.18.255.254" })).toBe(true);
    expect(isMountContainer({ ...labels, "sshmount.metadata": "server" })).toBe(true);
  });

  it.each([
    ["another role", { "sshmount.role": "host-key-scan" }],
    ["a share name no user could type", { "sshmount.name": "(" }],
    ["a share name that is a pattern", { "sshmount.name": "x|.*" }],
    ["a name Samba reserves", { "sshmount.name": "global" }],
    ["an alias that is an ssh option", { "sshmount.alias": "-oProxyCommand=x" }],
    ["an alias OpenSSH refuses", { "sshmount.alias": "a;b" }],
    ["a remote path with a newline", { "sshmount.remote-path": "a\nb" }],
    ["a remote path mount() would have normalized", { "sshmount.remote-path": "~/x/" }],
    ["a relative ssh config", { "sshmount.ssh-config": "config" }],
    ["an ssh config path with ..", { "sshmount.ssh-config": "/a/../etc/config" }],
    ["an smb user with a newline", { "sshmount.smb-user": "sshmount\nx" }],
    ["an smb user that is a URL part", { "sshmount.smb-user": "a@b/c" }],
    ["a destination with a terminal escape", { "sshmount.destination": "a\u001b[2J" }],
    ["a creation time that is no date", { "sshmount.created": "yesterday" }],
    ["a fixed address that is no IPv4 address", { "sshmount.address": "172.18.0.2/16" }],
    ["a fixed address that is a host name", { "sshmount.address": "evil.example" }],
    ["a metadata store sshmount has not", { "sshmount.metadata": "icloud" }],
  ])("refuses %s", (_what, change) => {
    expect(isMountContainer({ ...labels, ...change })).toBe(false);
  });

  it("refuses a missing name, alias, path or config, and no labels at all", () => {
    for (const key of ["sshmount.name", "sshmount.alias", "sshmount.remote-path", "sshmount.ssh-config"]) {
      expect(isMountContainer(Object.fromEntries(Object.entries(labels).filter(([each]) => each !== key)))).toBe(false);
    }
    expect(isMountContainer(undefined)).toBe(false);
  });
});

describe("metadataOf", () => {
  it("reads the store a mount was made with; a mount from before the label keeps its metadata on the Mac", () => {
    expect(metadataOf({ ...labels, "sshmount.metadata": "server" })).toBe("server");
    expect(metadataOf({ ...labels, "sshmount.metadata": "mac" })).toBe("mac");
    expect(metadataOf(labels)).toBe("mac");
  });
});

describe("values from container inspect", () => {
  it("takes an IP address and a TCP port, and nothing else", () => {
    expect(containerIp("172.30.0.5")).toBe("172.30.0.5");
    expect(containerIp("fd00::5")).toBe("fd00::5");
    for (const bad of ["", "-n", "172.30.0.5; x", "host.invalid", undefined, 5])
      expect(containerIp(bad)).toBeUndefined();
    expect(publishedPort("49153")).toBe(49153);
    expect(publishedPort(445)).toBe(445);
    for (const bad of ["", "0", "65536", "12a", "-1", " 80", 1.5, undefined])
      expect(publishedPort(bad)).toBeUndefined();
  });
});
