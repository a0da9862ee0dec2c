import { open, type MountInfo, type MountProgress } from "../../helper";
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

/** The Open in Finder action of lists and toasts: an Animated toast while a stopped mount starts. */
export function openMountWithToast(name: string): Promise<void> {
  return withToast(`Opening ${name}`, `Opened ${name} in Finder`, (toast) =>
    openMount(name, (progress) => Object.assign(toast, progressToast(progress, "Opening Finder"))),
  );
}
