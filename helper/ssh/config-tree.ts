import { constants, type Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import SSHConfig from "ssh-config";
import { SshmountError } from "../errors";
import { expandGlob } from "./glob";

/** Where an alias is defined: for "Open Config" and for error messages. */
export interface ConfigSource {
  file: string;
  line: number;
}

interface ConfigTree {
  /** Concrete aliases in the order OpenSSH reads them, once each. */
  aliases: { alias: string; source: ConfigSource }[];
  /** Every file read and every folder an Include listed: a change to any of them can change the hosts. */
  watched: string[];
}

/** OpenSSH reads files down to this depth and stops below it ("Too many recursive configuration includes"). */
const MAX_INCLUDE_DEPTH = 16;
/*
 * OpenSSH has no limits of its own for these: it reads a file of any size, and every file as often as it
 * is included (a 4-way tree 8 deep is 87,381 reads, for each `ssh -G`). They bound what one host list
 * costs us and every `ssh -G` after it, far above any hand-written config.
 */
/** All distinct files together, so what we keep of them between includes is bounded too. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Reads as OpenSSH makes them, a file included twice counting twice: this is what each `ssh -G` costs. */
const MAX_CONFIG_READS = 1024;
const MAX_READ_MS = 5_000;

/** What OpenSSH does with a config path that is not a regular file, in words for the user. */
function notAFile(info: Stats): string | undefined {
  if (info.isFIFO()) return "is a named pipe: ssh would wait on it for ever";
  if (info.isSocket()) return "is a socket, which ssh cannot open";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "is a device, not a file";
  return undefined;
}

type Value = string | { val: string }[];

function words(value: Value): string[] {
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value.map((part) => part.val);
}

/** A concrete alias names one host: no pattern characters, nothing ssh would refuse as a host name. */
function isConcrete(alias: string): boolean {
  return !/[*?!]/.test(alias) && !/[\s"']/.test(alias) && !alias.startsWith("-");
}

/** ssh_config(5): relative Include paths are in ~/.ssh for user files and /etc/ssh for the system file. */
function includePattern(value: string, home: string, system: boolean): string {
  if (value === "~" || value.startsWith("~/")) return path.join(home, value.slice(1));
  if (path.isAbsolute(value)) return value;
  return path.join(system ? "/etc/ssh" : path.join(home, ".ssh"), value);
}

interface ReadTreeOptions {
  home: string;
  /** True for /etc/ssh/ssh_config, whose relative includes resolve under /etc/ssh. */
  system?: boolean;
  /** Milliseconds, for the time limit; tests pass their own clock. */
  now?: () => number;
}

/**
 * The text of a config file, or undefined when OpenSSH would read nothing from it (missing, or a folder,
 * which ssh reads as an empty file). A pipe, socket or device is refused before it is opened, and opened
 * without blocking and checked again, so one swapped in between cannot hang us either.
 */
async function readConfigFile(
  file: string,
  maxBytes: number,
  refuse: (reason: string) => never,
): Promise<string | undefined> {
  const info = await fs.stat(file);
  if (info.isDirectory()) return undefined;
  const other = notAFile(info);
  if (other) refuse(other);
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const opened = await handle.stat();
    const swapped = opened.isFile() ? undefined : (notAFile(opened) ?? "is not a file");
    if (swapped) refuse(swapped);
    // Read in chunks rather than trusting st_size: a file can grow while we read it.
    const tooLarge = `takes the ssh config and its includes past ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`;
    if (opened.size > maxBytes) refuse(tooLarge);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) refuse(tooLarge);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** A Host or Include line, the only lines that decide which aliases a config lists. */
interface ConfigLine {
  source: ConfigSource;
  keyword: "host" | "include";
  values: string[];
  raw: string;
}

function parseLines(
  file: string,
  text: string,
  invalid: (message: string, at: ConfigSource, fallback: string, detail?: string) => never,
): ConfigLine[] {
  const result: ConfigLine[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const source = { file, line: index + 1 };
    const raw = lines[index].replace(/\r$/, "");
    if (!/^\s*(host|include)\b/i.test(raw)) continue;
    let entry;
    try {
      entry = SSHConfig.parse(raw)[0];
    } catch (error) {
      invalid("The ssh config cannot be read", source, file, (error as Error).message);
    }
    if (!entry || !("param" in entry)) continue;
    const keyword = entry.param.toLowerCase();
    if (keyword === "host" || keyword === "include")
      result.push({ source, keyword, values: words(entry.value as Value), raw: raw.trim() });
  }
  return result;
}

/**
 * Reads an ssh config and everything it includes, as OpenSSH would, and collects the concrete Host
 * aliases. Parsed a line at a time (ssh_config has no continuation lines), so every error names its line.
 * A missing file has no hosts (OpenSSH ignores an Include that matches nothing); an include cycle is the
 * error OpenSSH would stop with, reported where it starts. What OpenSSH would hang or drown on (a pipe,
 * a device, a huge file, an include tree of thousands of reads, a folder too slow to list) is refused
 * at the Include line that leads to it.
 */
export async function readConfigTree(file: string, options: ReadTreeOptions): Promise<ConfigTree> {
  const aliases: ConfigTree["aliases"] = [];
  const seen = new Set<string>();
  const watched = new Set<string>();
  const now = options.now ?? Date.now;
  const deadline = now() + MAX_READ_MS;
  let reads = 0;
  let bytes = 0;
  // A file OpenSSH reads again (included from several places) says the same thing each time, so it is
  // read and parsed once per run and only walked again; likewise a pattern is listed once.
  const parsed = new Map<string, ConfigLine[] | undefined>();
  const expanded = new Map<string, string[]>();

  function invalid(message: string, at: ConfigSource | undefined, fallback: string, detail?: string): never {
    throw new SshmountError("ssh-config-invalid", message, {
      file: at?.file ?? fallback,
      line: at?.line,
      ...(detail ? { detail } : {}),
    });
  }

  function checkTime(at: ConfigSource | undefined, fallback: string) {
    if (now() > deadline) invalid(`Reading the ssh config took longer than ${MAX_READ_MS / 1000} s`, at, fallback);
  }

  async function load(current: string, includedFrom?: ConfigSource): Promise<ConfigLine[] | undefined> {
    if (parsed.has(current)) return parsed.get(current);
    let text: string | undefined;
    try {
      text = await readConfigFile(current, MAX_CONFIG_BYTES - bytes, (reason) =>
        invalid(`The ssh config ${current} ${reason}`, includedFrom, current),
      );
    } catch (error) {
      if (error instanceof SshmountError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") invalid(`Cannot read the ssh config ${current}`, includedFrom, current, code);
    }
    bytes += text === undefined ? 0 : Buffer.byteLength(text);
    const lines = text === undefined ? undefined : parseLines(current, text, invalid);
    parsed.set(current, lines);
    return lines;
  }

  async function visit(current: string, stack: string[], includedFrom?: ConfigSource): Promise<void> {
    watched.add(current);
    checkTime(includedFrom, current);
    if (++reads > MAX_CONFIG_READS)
      invalid(
        `The ssh config has OpenSSH read more than ${MAX_CONFIG_READS} files (a file included twice counts twice)`,
        includedFrom,
        current,
      );
    for (const { source, keyword, values, raw } of (await load(current, includedFrom)) ?? []) {
      if (keyword === "host") {
        for (const alias of values) {
          if (isConcrete(alias) && !seen.has(alias)) {
            seen.add(alias);
            aliases.push({ alias, source });
          }
        }
        continue;
      }
      for (const value of values) {
        const pattern = includePattern(value, options.home, Boolean(options.system));
        let matches = expanded.get(pattern);
        if (!matches) {
          matches = await expandGlob(pattern, (dir) => {
            watched.add(dir);
            checkTime(source, current);
          });
          expanded.set(pattern, matches);
        }
        for (const match of matches) {
          if (stack.includes(match)) {
            invalid(
              `The ssh config includes itself (${match}): OpenSSH stops with “Too many recursive configuration includes”`,
              source,
              current,
              raw,
            );
          }
          // The start file is depth 0, so the stack is one longer than the depth of `current`.
          if (stack.length > MAX_INCLUDE_DEPTH)
            invalid(`The ssh config nests Include more than ${MAX_INCLUDE_DEPTH} deep`, source, current, raw);
          await visit(match, [...stack, match], source);
        }
      }
    }
  }

  const start = path.resolve(file);
  await visit(start, [start]);
  return { aliases, watched: [...watched] };
}
