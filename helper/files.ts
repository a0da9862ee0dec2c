import { constants } from "node:fs";
import fs from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { SshmountError } from "./errors";

export async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** This process's user; undefined where there are no uids (Windows), which sshmount does not run on. */
const ownUid = () => process.getuid?.();

/**
 * Makes `dir` (0700), or checks the one there: sshmount keeps keys and host lists in it, so it must be
 * a real folder of this user's that nobody else may change. One of ours open to the group or others
 * is made 0700; one that is not ours (another owner, a symlink, a file) is refused with what to do.
 * Opened without following a symlink and changed through that handle, so nothing can be swapped in
 * between the check and the chmod.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 }).catch((error) => {
    // A file or a symlink where the folder should be: told apart below.
    if (error?.code !== "EEXIST" && error?.code !== "ENOTDIR") throw error;
  });
  const handle = await fs
    .open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
    .catch((error) => {
      if (error?.code !== "ELOOP" && error?.code !== "ENOTDIR") throw error;
      return undefined;
    });
  try {
    const stats = await handle?.stat();
    const uid = ownUid();
    if (!stats?.isDirectory() || (uid !== undefined && stats.uid !== uid)) {
      const what = stats?.isDirectory() ? `belongs to another user (uid ${stats.uid})` : "is not a folder";
      throw new SshmountError(
        "file-access",
        `${dir} ${what}: sshmount keeps its keys and host list only in a folder of your own. Remove it (\`sudo rm -rf ${dir}\`) so sshmount makes its own, or set XDG_CACHE_HOME to a folder of yours`,
        { file: dir },
      );
    }
    if (stats.mode & 0o077) await handle?.chmod(0o700);
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `file` through a new temporary file beside it, created exclusively (O_EXCL: never an existing
 * file, never through a symlink), then renamed over it: a reader never sees half of it, and a symlink
 * at `file` is replaced, not followed.
 */
export async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(temporary, content, { mode, flag: "wx" });
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    // Node names the temporary file; the file that could not be written is what the user can fix.
    throw Object.assign(error as Error, { path: file });
  }
}

/**
 * Whether `file` is there as a key file sshmount made: a regular file (not a symlink) of this user's
 * with mode 0600, as ssh-keygen writes it. Anything else at that path is refused with what to do.
 */
export async function isOwnKeyFile(file: string): Promise<boolean> {
  const stats = await fs.lstat(file).catch((error) => {
    if (error?.code === "ENOENT") return undefined;
    throw error;
  });
  if (!stats) return false;
  const uid = ownUid();
  if (!stats.isFile() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o777) !== 0o600) {
    throw new SshmountError(
      "file-access",
      `${file} is not a key sshmount made (a regular file of yours with mode 0600), so it is not used. Remove it (\`rm ${file} ${file}.pub\`) and run the demo again to make a new key pair`,
      { file },
    );
  }
  return true;
}
