import { Clipboard, showInFinder } from "@raycast/api";
import { localPath, open, openEditor, openTerminal, type MountInfo, type MountProgress } from "../../helper";
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

/** The Open in Finder action of lists and toasts: an Animated toast while a stopped mount starts. */
export function openMountWithToast(name: string): Promise<void> {
  return withToast(`Opening ${name}`, `Opened ${name} in Finder`, (toast) =>
    openMount(name, (progress) => Object.assign(toast, progressToast(progress, "Opening Finder"))),
  );
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
    toast.message = volume;
  });
}

export function showVolumeInFinder(mount: MountInfo): Promise<void> {
  return withToast(`Finding ${mount.name} in Finder`, `Showed ${mount.name} in Finder`, async () =>
    showInFinder(await localPath(mount.name, helperOptions())),
  );
}
