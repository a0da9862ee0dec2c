import fs from "node:fs/promises";
import path from "node:path";

/**
 * Include paths are expanded by the glob(3) OpenSSH ships in openbsd-compat/glob.c, not the system's:
 * portable OpenSSH builds it wherever libc lacks gl_statv (glibc, macOS), so its rules are the ones that
 * count. They work on bytes; `\` quotes; `[!…]` negates while `^` is an ordinary byte; a reversed range
 * such as `[z-a]` matches nothing; an unknown `[:class:]` makes the whole pattern match nothing; a `[`
 * without a closing `]` is literal.
 */
type Token =
  | { type: "byte"; byte: number }
  | { type: "one" }
  | { type: "all" }
  | { type: "set"; negate: boolean; ranges: [number, number][]; classes: ((byte: number) => boolean)[] };

type Segment = Token[];

const inRange = (low: number, high: number) => (byte: number) => byte >= low && byte <= high;
const isDigit = inRange(0x30, 0x39);
const isUpper = inRange(0x41, 0x5a);
const isLower = inRange(0x61, 0x7a);
const isAlpha = (b: number) => isUpper(b) || isLower(b);
const isAlnum = (b: number) => isAlpha(b) || isDigit(b);
const isGraph = inRange(0x21, 0x7e);
/** ctype(3) on one byte: OpenSSH's glob tests bytes, so nothing above ASCII is in any class. */
const classes: Record<string, (byte: number) => boolean> = {
  alnum: isAlnum,
  alpha: isAlpha,
  blank: (b) => b === 0x20 || b === 0x09,
  cntrl: (b) => b < 0x20 || b === 0x7f,
  digit: isDigit,
  graph: isGraph,
  lower: isLower,
  print: inRange(0x20, 0x7e),
  punct: (b) => isGraph(b) && !isAlnum(b),
  space: (b) => b === 0x20 || inRange(0x09, 0x0d)(b),
  upper: isUpper,
  xdigit: (b) => isDigit(b) || inRange(0x41, 0x46)(b) || inRange(0x61, 0x66)(b),
};

/** A pattern byte and whether `\` quoted it (quoted bytes never act as `[`, `]`, `!`, `-`, `*`, `?`). */
interface PatternByte {
  byte: number;
  quoted: boolean;
}

const BACKSLASH = 0x5c;
const is = (item: PatternByte | undefined, char: string) =>
  item !== undefined && !item.quoted && item.byte === char.charCodeAt(0);

function unquote(bytes: Uint8Array): PatternByte[] {
  const result: PatternByte[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) result.push({ byte: i + 1 < bytes.length ? bytes[++i] : BACKSLASH, quoted: true });
    else result.push({ byte: bytes[i], quoted: false });
  }
  return result;
}

/** glob() matches nothing for a pattern of PATH_MAX bytes or more; it also bounds compiling one. */
const PATH_MAX = 4096;

/**
 * glob0() of openbsd-compat/glob.c: the pattern as tokens, split into path segments; undefined when it
 * can match nothing (an unknown character class, or too long).
 */
export function compileGlob(pattern: string): Segment[] | undefined {
  const bytes = Buffer.from(pattern, "utf8");
  if (bytes.length >= PATH_MAX) return undefined;
  const raw = unquote(bytes);
  const tokens: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    const item = raw[i++];
    if (is(item, "[")) {
      const negate = is(raw[i], "!");
      if (negate) i++;
      if (i >= raw.length || !raw.slice(i + 1).some((next) => is(next, "]"))) {
        tokens.push({ type: "byte", byte: item.byte });
        if (negate) i--;
        continue;
      }
      const set: Extract<Token, { type: "set" }> = { type: "set", negate, ranges: [], classes: [] };
      let current: PatternByte | undefined = raw[i++];
      do {
        if (is(current, "[") && is(raw[i], ":")) {
          let found: "class" | "none" | "invalid" = "class";
          while (is(current, "[") && is(raw[i], ":")) {
            const colon = raw.findIndex((next, at) => at > i && is(next, ":"));
            if (colon === -1 || !is(raw[colon + 1], "]")) {
              found = "none";
              break;
            }
            const name = raw.slice(i + 1, colon);
            const test = name.some((next) => next.quoted)
              ? undefined
              : classes[String.fromCharCode(...name.map((next) => next.byte))];
            if (!test) {
              found = "invalid";
              break;
            }
            set.classes.push(test);
            i = colon + 2;
            current = raw[i++];
          }
          if (found === "invalid") return undefined;
          if (found === "class" && is(current, "]")) break;
        }
        if (current === undefined) break;
        const high = raw[i + 1];
        if (is(raw[i], "-") && high !== undefined && !is(high, "]")) {
          set.ranges.push([current.byte, high.byte]);
          i += 2;
        } else set.ranges.push([current.byte, current.byte]);
        current = raw[i++];
      } while (current !== undefined && !is(current, "]"));
      tokens.push(set);
    } else if (is(item, "?")) tokens.push({ type: "one" });
    else if (is(item, "*")) {
      // Adjacent stars are one star, as glob0() collapses them.
      if (tokens[tokens.length - 1]?.type !== "all") tokens.push({ type: "all" });
    } else tokens.push({ type: "byte", byte: item.byte });
  }
  const segments: Segment[] = [[]];
  for (const token of tokens) {
    if (token.type === "byte" && token.byte === 0x2f) segments.push([]);
    else segments[segments.length - 1].push(token);
  }
  return segments.filter((segment) => segment.length > 0);
}

function matchesOne(token: Exclude<Token, { type: "all" }>, byte: number): boolean {
  if (token.type === "one") return true;
  if (token.type === "byte") return token.byte === byte;
  const hit =
    token.ranges.some(([low, high]) => low <= byte && byte <= high) || token.classes.some((test) => test(byte));
  return hit !== token.negate;
}

/**
 * match() of openbsd-compat/glob.c (Russ Cox's https://research.swtch.com/glob): on a mismatch only the
 * last star takes one more byte, so a name is matched in O(name × pattern) whatever the stars.
 */
export function matchSegment(name: Uint8Array, segment: Segment): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = -1;
  for (;;) {
    let failed = false;
    while (p < segment.length) {
      const token = segment[p++];
      if (token.type === "all") {
        if (p === segment.length) return true;
        if (n >= name.length) return false;
        starP = p - 1;
        starN = n + 1;
        continue;
      }
      if (n >= name.length || !matchesOne(token, name[n++])) {
        failed = true;
        break;
      }
    }
    if (!failed && n === name.length) return true;
    if (starP === -1) return false;
    p = starP;
    n = starN;
  }
}

const hasMagic = (segment: Segment) => segment.some((token) => token.type !== "byte");
const literal = (segment: Segment) =>
  Buffer.from(segment.flatMap((token) => (token.type === "byte" ? [token.byte] : []))).toString("utf8");

/**
 * The paths an Include pattern names, as OpenSSH's glob(3) returns them: only paths that exist (lstat),
 * a leading dot only matched by a literal dot, sorted by bytes (strcmp). `onDirectory` sees each folder
 * before it is listed, so the caller can watch it and stop a pattern that lists too much.
 */
export async function expandGlob(pattern: string, onDirectory: (dir: string) => void): Promise<string[]> {
  const segments = compileGlob(pattern);
  if (!segments) return [];
  let candidates = [pattern.startsWith("/") ? "/" : "."];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!hasMagic(segment)) {
        next.push(path.join(dir, literal(segment)));
        continue;
      }
      onDirectory(dir);
      const entries = await fs.readdir(dir).catch(() => [] as string[]);
      const leadingDot = segment[0].type === "byte" && segment[0].byte === 0x2e;
      for (const entry of entries) {
        if (entry.startsWith(".") && !leadingDot) continue;
        if (matchSegment(Buffer.from(entry, "utf8"), segment)) next.push(path.join(dir, entry));
      }
    }
    candidates = next;
  }
  const existing = await Promise.all(
    candidates.map((file) =>
      fs.lstat(file).then(
        () => true,
        () => false,
      ),
    ),
  );
  return candidates
    .filter((_, index) => existing[index])
    .sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}
