export interface ArchiveEntry {
  /** Relative path inside the archive; directories end with "/". */
  path: string;
  mode: number;
  content?: string | Buffer;
  uid?: number;
  gid?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(entry: ArchiveEntry, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(entry.path) > 100) throw new Error(`archive path too long: ${entry.path}`);
  block.write(entry.path, 0, 100, "utf8");
  block.write(octal(entry.mode & 0o7777, 8), 100, 8, "ascii");
  block.write(octal(entry.uid ?? 0, 8), 108, 8, "ascii");
  block.write(octal(entry.gid ?? 0, 8), 116, 8, "ascii");
  block.write(octal(size, 12), 124, 12, "ascii");
  block.write(octal(mtime, 12), 136, 12, "ascii");
  block.write(" ".repeat(8), 148, 8, "ascii");
  block.write(entry.path.endsWith("/") ? "5" : "0", 156, 1, "ascii");
  block.write("ustar\0" + "00", 257, 8, "ascii");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + " ", 148, 8, "ascii");
  return block;
}

/**
 * A minimal ustar archive for Docker's archive API. Files go into the container this way, not through
 * bind mounts, so they are owned by root with exactly the mode ssh's permission checks demand.
 */
export function createTar(entries: ArchiveEntry[]): Buffer {
  const mtime = Math.floor(Date.now() / 1000);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    parts.push(header(entry, body.length, mtime), body);
    const padding = (BLOCK - (body.length % BLOCK)) % BLOCK;
    parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Reads the regular files of a tar stream as returned by Docker's getArchive (ustar, no extensions we need). */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const name = block.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    const size = parseInt(block.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
    const type = block.toString("ascii", 156, 157);
    offset += BLOCK;
    if (type === "0" || type === "\0") files.set(name, archive.subarray(offset, offset + size));
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
