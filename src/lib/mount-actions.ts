import { LaunchType, launchCommand, showToast, Toast } from "@raycast/api";
import { describeError, open, type MountInfo, type MountProgress } from "../../helper";
import { helperOptions } from "./helper-options";
import { rememberLastMount } from "./last-mount";

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
export async function openMountWithToast(name: string): Promise<void> {
  const toast = await showToast({ style: Toast.Style.Animated, title: `Opening ${name}` });
  try {
    await openMount(name, (progress) => {
      if (progress.step !== "ready") toast.title = progress.message;
    });
    toast.title = `Opened ${name} in Finder`;
    toast.style = Toast.Style.Success;
  } catch (error) {
    const description = describeError(error);
    toast.title = description.message;
    toast.message = description.hint;
    toast.style = Toast.Style.Failure;
  }
}

export function showMounts(): Promise<void> {
  return launchCommand({ name: "list-mounts", type: LaunchType.UserInitiated });
}

export function mountSshHost(): Promise<void> {
  return launchCommand({ name: "mount-ssh-host", type: LaunchType.UserInitiated });
}
