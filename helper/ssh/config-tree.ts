import fs from "node:fs/promises";
import path from "node:path";
import SSHConfig from "ssh-config";
import { SshmountError } from "../errors";

/** Where an alias is defined: for "Open Config" and for error messages. */
export interface ConfigSource {
  file: string;
  line: number;
}

export interface ConfigTree {
  /** Concrete aliases in the order OpenSSH reads them, once each. */
  aliases: { alias: string; source: ConfigSource }[];
  /** Every file read and every folder an Include listed: a change to any of them can change the hosts. */
  watched: string[];
}

/** OpenSSH stops at this depth ("Too many recursive configuration includes"). */
const MAX_INCLUDE_DEPTH = 16;

type Value = string | { val: string }[];

function words(value: Value): string[] {
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value.map((part) => part.val);
}

/** A concrete alias names one host: no pattern characters, nothing ssh would refuse as a host name. */
function isConcrete(alias: string): boolean {
  return !/[*?!]/.test(alias) && !/[\s"']/.test(alias) && !alias.startsWith("-");
}

function globSegmentPattern(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

const hasGlob = (segment: string) => /[*?[]/.test(segment);

/**
 * glob(3) as OpenSSH uses it for Include: wildcards in any path segment, no match for leading dots,
 * results sorted. Every folder listed goes into `watched`, so a new file in it invalidates the cache.
 */
async function expandGlob(pattern: string, watched: Set<string>): Promise<string[]> {
  const segments = pattern.split("/").filter(Boolean);
  let candidates = [pattern.startsWith("/") ? "/" : "."];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!hasGlob(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      watched.add(dir);
      const regex = globSegmentPattern(segment);
      const entries = await fs.readdir(dir).catch(() => [] as string[]);
      for (const entry of entries.sort()) {
        if (regex.test(entry) && !(entry.startsWith(".") && !segment.startsWith("."))) next.push(path.join(dir, entry));
      }
    }
    candidates = next;
  }
  return candidates;
}

/** ssh_config(5): relative Include paths are in ~/.ssh for user files and /etc/ssh for the system file. */
function includePattern(value: string, home: string, system: boolean): string {
  if (value === "~" || value.startsWith("~/")) return path.join(home, value.slice(1));
  if (path.isAbsolute(value)) return value;
  return path.join(system ? "/etc/ssh" : path.join(home, ".ssh"), value);
}

export interface ReadTreeOptions {
  home: string;
  /** True for /etc/ssh/ssh_config, whose relative includes resolve under /etc/ssh. */
  system?: boolean;
}

/**
 * Reads an ssh config and everything it includes, as OpenSSH would, and collects the concrete Host
 * aliases. Parsed a line at a time (ssh_config has no continuation lines), so every error names its line.
 * A missing file has no hosts (OpenSSH ignores an Include that matches nothing); an include cycle is the
 * error OpenSSH would stop with, reported where it starts.
 */
export async function readConfigTree(file: string, options: ReadTreeOptions): Promise<ConfigTree> {
  const aliases: ConfigTree["aliases"] = [];
  const seen = new Set<string>();
  const watched = new Set<string>();

  async function visit(current: string, stack: string[], includedFrom?: ConfigSource): Promise<void> {
    watched.add(current);
    let text: string;
    try {
      text = await fs.readFile(current, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR") return;
      throw new SshmountError("ssh-config-invalid", `Cannot read the ssh config ${current}`, {
        file: includedFrom?.file ?? current,
        line: includedFrom?.line,
        detail: code,
      });
    }
    const lines = text.split("\n");
    for (let index = 0; index < lines.length; index++) {
      const source = { file: current, line: index + 1 };
      const raw = lines[index].replace(/\r$/, "");
      if (!/^\s*(host|include)\b/i.test(raw)) continue;
      let parsed;
      try {
        parsed = SSHConfig.parse(raw)[0];
      } catch (error) {
        throw new SshmountError("ssh-config-invalid", `The ssh config cannot be read`, {
          ...source,
          detail: (error as Error).message,
        });
      }
      if (!parsed || !("param" in parsed)) continue;
      const keyword = parsed.param.toLowerCase();
      const values = words(parsed.value as Value);
      if (keyword === "host") {
        for (const alias of values) {
          if (isConcrete(alias) && !seen.has(alias)) {
            seen.add(alias);
            aliases.push({ alias, source });
          }
        }
      } else if (keyword === "include") {
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          throw new SshmountError("ssh-config-invalid", "The ssh config nests Include more than 16 deep", {
            ...source,
            detail: raw.trim(),
          });
        }
        for (const value of values) {
          const matches = await expandGlob(includePattern(value, options.home, Boolean(options.system)), watched);
          for (const match of matches) {
            if (stack.includes(match)) {
              throw new SshmountError(
                "ssh-config-invalid",
                `The ssh config includes itself (${match}): OpenSSH stops with “Too many recursive configuration includes”`,
                { ...source, detail: raw.trim() },
              );
            }
            await visit(match, [...stack, match], source);
          }
        }
      }
    }
  }

  const start = path.resolve(file);
  await visit(start, [start]);
  return { aliases, watched: [...watched] };
}
