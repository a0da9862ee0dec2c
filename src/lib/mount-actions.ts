import { open, openAll, remount, type MountInfo, type MountProgress, type ReconnectResult } from "../../helper";
import { helperOptions } from "./helper-options";
import { rememberLastMount } from "./last-mount";
import { progressToast, withToast } from "./toast";

/**
 * Opens a mount in Finder (starting it when stopped) and remembers it for "Open Last Mount"; no name
 * means the mount created last.
 */
export async function openMount(
  name: string | undefined,
  onProgress?: (progress: MountProgress) => void,
): Promise<MountInfo> {
  const result = await open(name, { ...helperOptions(), onProgress });
  await rememberLastMount(result.mount.name);
  return result.mount;
}

/** The Open in Finder action of lists, menus and toasts: an Animated toast while a stopped mount starts. */
export function openMountWithToast(name: string): Promise<void> {
  return withToast(`Opening ${name}`, `Opened ${name} in Finder`, (toast) =>
    openMount(name, (progress) => {
      if (toast) Object.assign(toast, progressToast(progress, "Opening Finder"));
    }),
  );
}

export function remountWithToast(name: string): Promise<void> {
  return withToast(`Remounting ${name}`, `Remounted ${name}`, () => remount(name, helperOptions()));
}

/** What Reconnect All did, in a toast's (or a HUD's) few words. */
export function reconnectedWords(result: ReconnectResult): string {
  const opened = result.opened.map((each) => each.mount.name);
  const waiting = result.notReady.map((mount) => mount.name);
  if (opened.length > 0) {
    const later = waiting.length > 0 ? `; ${waiting.join(", ")} not ready yet` : "";
    return `Opened ${opened.join(", ")} in Finder${later}`;
  }
  if (waiting.length > 0) return `${waiting.join(", ")} not ready yet: Reconnect All again in a moment`;
  return result.inFinder.length > 0 ? "Every running mount is open in Finder already" : "No mount is running";
}

/** Reconnect All: opens in Finder every ready mount it has lost, as after a restart. */
export function reconnectAllWithToast(): Promise<void> {
  return withToast("Reconnecting mounts in Finder", reconnectedWords, () => openAll(helperOptions()));
}
