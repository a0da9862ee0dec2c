import { environment, LaunchType, LocalStorage, launchCommand } from "@raycast/api";
import { formatTarget, readableRemotePath, targetFromArguments } from "../../helper";

/** A host and a remote folder on it, the folder as the user reads it ("~", "~/x", "/srv"). */
export interface Place {
  alias: string;
  remotePath: string;
}

const PINS_KEY = "pinned-places";
const recentKey = (alias: string) => `recent-paths:${alias}`;

/** Enough to find the usual folders again; older ones drop off. */
export const RECENT_LIMIT = 8;

/** The same folder however it was typed ("projects", "~/projects/"), so a place is pinned or remembered once. */
export function place(alias: string, remotePath: string): Place {
  return { alias, remotePath: readableRemotePath(remotePath) };
}

export const samePlace = (a: Place, b: Place) => a.alias === b.alias && a.remotePath === b.remotePath;

/** The place as the CLI and the host argument write it: `web`, `web:~/site`, `web:/srv`. */
export const placeTarget = (target: Place) => formatTarget(target.alias, target.remotePath);

/**
 * A JSON array read back from LocalStorage, or nothing: a value another version wrote, or one that was
 * damaged, must not break the command, so anything but an array of the expected shape counts as empty.
 */
async function readList(key: string): Promise<unknown[]> {
  const stored = await LocalStorage.getItem(key);
  if (typeof stored !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** A stored place only if it is one the mount would take: a valid alias and path, as the CLI checks them. */
function asPlace(value: unknown): Place | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { alias, remotePath } = value as Record<string, unknown>;
  if (typeof alias !== "string" || typeof remotePath !== "string") return undefined;
  try {
    targetFromArguments(alias, remotePath);
    return place(alias, remotePath);
  } catch {
    return undefined;
  }
}

function unique<T>(items: T[], same: (a: T, b: T) => boolean): T[] {
  return items.filter((item, index) => items.findIndex((other) => same(item, other)) === index);
}

/** The places the user pinned, in the order they pinned them. */
export async function pinnedPlaces(): Promise<Place[]> {
  const places = (await readList(PINS_KEY)).map(asPlace).filter((found): found is Place => found !== undefined);
  return unique(places, samePlace);
}

async function savePins(places: Place[]): Promise<void> {
  await LocalStorage.setItem(PINS_KEY, JSON.stringify(places));
}

export async function pinPlace(target: Place): Promise<void> {
  const pins = await pinnedPlaces();
  const normal = place(target.alias, target.remotePath);
  if (!pins.some((pinned) => samePlace(pinned, normal))) await savePins([...pins, normal]);
}

export async function unpinPlace(target: Place): Promise<void> {
  const normal = place(target.alias, target.remotePath);
  await savePins((await pinnedPlaces()).filter((pinned) => !samePlace(pinned, normal)));
}

export async function unpinAll(): Promise<void> {
  await LocalStorage.removeItem(PINS_KEY);
}

/** The folders mounted before on a host, the latest first. */
export async function recentPaths(alias: string): Promise<string[]> {
  const paths = (await readList(recentKey(alias)))
    .map((value) => (typeof value === "string" ? asPlace({ alias, remotePath: value })?.remotePath : undefined))
    .filter((path): path is string => path !== undefined);
  return unique(paths, (a, b) => a === b).slice(0, RECENT_LIMIT);
}

export async function rememberRecentPath(alias: string, remotePath: string): Promise<void> {
  const path = place(alias, remotePath).remotePath;
  const paths = [path, ...(await recentPaths(alias)).filter((other) => other !== path)];
  await LocalStorage.setItem(recentKey(alias), JSON.stringify(paths.slice(0, RECENT_LIMIT)));
}

export async function forgetRecentPath(alias: string, remotePath: string): Promise<void> {
  const path = place(alias, remotePath).remotePath;
  const paths = (await recentPaths(alias)).filter((other) => other !== path);
  await LocalStorage.setItem(recentKey(alias), JSON.stringify(paths));
}

/**
 * Mounts a place from anywhere (a menu bar, a toast): Mount SSH Host with the place as its host argument,
 * exactly what a Quicklink or `mount web:~/site` in root search does.
 */
export function mountPlace(target: Place): Promise<void> {
  return launchCommand({
    name: "mount-ssh-host",
    type: LaunchType.UserInitiated,
    arguments: { host: placeTarget(target), remotePath: "" },
  });
}

/**
 * The deeplink that mounts a place, for a Quicklink or a hotkey: Raycast's documented form
 * raycast://extensions/<owner-or-author>/<extension>/<command>?arguments=<URL-encoded JSON>
 * (developers.raycast.com/information/lifecycle/deeplinks). Raycast asks before it runs one.
 */
export function placeDeeplink(target: Place): string {
  const args = encodeURIComponent(JSON.stringify({ host: placeTarget(target) }));
  return `raycast://extensions/${environment.ownerOrAuthorName}/${environment.extensionName}/mount-ssh-host?arguments=${args}`;
}
