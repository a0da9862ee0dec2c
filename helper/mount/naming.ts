import { SshmountError } from "../errors";
import { validateAlias } from "../ssh/options";
import { hasControlCharacters, quoted } from "../text";

const CONTAINER_PREFIX = "sshmount-";
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Section names Samba gives a meaning of its own: a share so named would not be served. */
const reservedNames = new Set(["global", "homes", "printers"]);

/**
 * sftp paths are relative to the login directory, so "~" and "~/x" become "" and "x": sshfs mounts ""
 * as the home folder. Everything else is kept byte for byte; only control characters are refused, since
 * they cannot be shown or typed back by the user.
 */
export function normalizeRemotePath(input: string | undefined): string {
  const value = input ?? "";
  if (hasControlCharacters(value)) {
    throw new SshmountError("invalid-input", "The remote path contains control characters (such as a newline)", {
      remotePath: value,
    });
  }
  if (value.length > 4096) {
    throw new SshmountError("invalid-input", "The remote path is longer than 4096 characters", {});
  }
  let path = value;
  if (path === "~" || path === "~/") path = "";
  else if (path.startsWith("~/")) path = path.slice(2);
  if (path.length > 1) path = path.replace(/\/+$/, "");
  return path;
}

/** How a normalized path reads to the user: home-relative paths keep their "~". */
export function displayRemotePath(path: string): string {
  if (path === "") return "~";
  return path.startsWith("/") ? path : `~/${path}`;
}

/** What the user typed as the mount will show it: "projects/" and "~/projects" are both "~/projects". */
export function readableRemotePath(input: string): string {
  return displayRemotePath(normalizeRemotePath(input));
}

/** Splits `ALIAS[:REMOTE_PATH]` at the first colon; aliases never contain one. */
export function parseTarget(target: string): { alias: string; remotePath: string } {
  const colon = target.indexOf(":");
  if (colon < 0) return { alias: target, remotePath: "" };
  return { alias: target.slice(0, colon), remotePath: target.slice(colon + 1) };
}

/**
 * A place (host + remote folder) as one `ALIAS[:REMOTE_PATH]` word, the inverse of parseTarget: the home
 * folder is the bare alias, any other path as the user reads it (~/x, /srv).
 */
export function formatTarget(alias: string, remotePath: string): string {
  const shown = readableRemotePath(remotePath);
  return shown === "~" ? alias : `${alias}:${shown}`;
}

/**
 * Raycast's two arguments (host, remote path) read with the CLI's grammar: the host argument may carry
 * the path itself (`web:/srv`, as a Quicklink per place does), and a path given twice is refused rather
 * than one silently dropped.
 */
export function targetFromArguments(host: string, remotePath = ""): { alias: string; remotePath: string } {
  const target = parseTarget(host.trim());
  const extra = remotePath.trim();
  if (extra && target.remotePath && target.remotePath !== extra) {
    throw new SshmountError(
      "invalid-input",
      `Give the remote path once: ${quoted(host)} already names ${quoted(target.remotePath)}`,
      { alias: target.alias, remotePath: extra },
    );
  }
  const result = { alias: target.alias, remotePath: extra || target.remotePath };
  validateMountRequest(result.alias, result.remotePath, undefined);
  return result;
}

export function validateMountName(name: string): string {
  if (reservedNames.has(name.toLowerCase())) {
    throw new SshmountError("invalid-input", `${quoted(name)} is reserved by Samba: choose another mount name`, {
      name,
    });
  }
  if (!namePattern.test(name)) {
    throw new SshmountError(
      "invalid-input",
      `${quoted(name)} is not a valid mount name: use 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { name },
    );
  }
  return name;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "");
}

/** A readable default name: the alias, plus the last folder of the path when it is not the home folder. */
export function defaultMountName(alias: string, remotePath: string): string {
  const folder = remotePath.split("/").filter(Boolean).pop() ?? "";
  const base = slug(alias) || "mount";
  const withFolder = folder && slug(folder) ? `${base}-${slug(folder)}` : base;
  const name = withFolder.slice(0, 56).replace(/[^a-z0-9]+$/, "") || "mount";
  return reservedNames.has(name) ? `${name}-mount` : name;
}

export function containerName(name: string): string {
  return `${CONTAINER_PREFIX}${name}`;
}

/** Checks what the user typed before anything starts, so bad input never costs a Docker round trip. */
export function validateMountRequest(alias: string, remotePath: string, name: string | undefined): void {
  validateAlias(alias);
  normalizeRemotePath(remotePath);
  if (name !== undefined) validateMountName(name);
}

/** Picks the default name, adding -2, -3… when another target already holds it. */
export function freeName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base.slice(0, 58)}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
