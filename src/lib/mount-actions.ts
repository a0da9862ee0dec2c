import { Clipboard, showInFinder } from "@raycast/api";
import {
  localPath,
  open,
  openAll,
  openEditor,
  openTerminal,
  remount,
  type MountInfo,
  type MountProgress,
  type ReconnectResult,
} from "../../helper";
import { helperOptions, preferences } from "./helper-options";
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

/** A shell on the mount's host, in its folder, in the terminal of the preferences. */
export function openTerminalWithToast(mount: MountInfo): Promise<void> {
  const app = preferences().terminalApp;
  return withToast(`Opening ${mount.alias} in a terminal`, `Opened ${mount.alias}:${mount.remotePath}`, () =>
    openTerminal(mount, app, helperOptions()),
  );
}

/** The mount's folder in the editor of the preferences, over its own Remote-SSH connection. */
export function openEditorWithToast(mount: MountInfo): Promise<void> {
  const editor = preferences().editorApp;
  return withToast(`Opening ${mount.alias} in the editor`, `Opened ${mount.alias}:${mount.remotePath}`, () =>
    openEditor(mount, editor, helperOptions()),
  );
}

/** Where Finder has the mount (/Volumes/…), copied or shown; a share Finder has not mounted is mounted first. */
export function copyLocalPath(mount: MountInfo): Promise<void> {
  return withToast(`Finding ${mount.name} in Finder`, `Copied the local path of ${mount.name}`, async (toast) => {
    const volume = await localPath(mount.name, helperOptions());
    await Clipboard.copy(volume);
    if (toast) toast.message = volume;
  });
}

export function showVolumeInFinder(mount: MountInfo): Promise<void> {
  return withToast(`Finding ${mount.name} in Finder`, `Showed ${mount.name} in Finder`, async () =>
    showInFinder(await localPath(mount.name, helperOptions())),
  );
}
