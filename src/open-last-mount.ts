import { showHUD, showToast, Toast } from "@raycast/api";
import type { MountInfo, MountProgress } from "../helper";
import { isSshmountError } from "../helper";
import { lastMountName } from "./lib/last-mount";
import { mountSshHost } from "./lib/launch";
import { openMount } from "./lib/mount-actions";
import { failWithoutWindow, progressToast } from "./lib/toast";

/**
 * For a hotkey: opens the mount used last in Finder, starting it again when it was stopped. The record
 * can outlive its mount (unmounted in a terminal): then the newest mount stands in.
 */
export default async function Command() {
  // Opening a running mount takes a blink; a toast appears only when it has to start first.
  let toast: Promise<Toast> | undefined;
  const onProgress = (progress: MountProgress) => {
    const shows = progressToast(progress, "Opening Finder");
    if (toast) void toast.then((shown) => Object.assign(shown, shows));
    else toast = showToast({ style: Toast.Style.Animated, ...shows });
  };
  const openOrNewest = async (name: string | undefined): Promise<MountInfo> => {
    try {
      return await openMount(name, onProgress);
    } catch (error) {
      if (name !== undefined && isSshmountError(error) && error.kind === "not-found") return openOrNewest(undefined);
      throw error;
    }
  };
  try {
    const mount = await openOrNewest(await lastMountName());
    await (await toast)?.hide();
    await showHUD(`Opened ${mount.name} in Finder`);
  } catch (error) {
    await (await toast)?.hide();
    // From a hotkey Raycast's window is closed and a toast is a HUD without actions: with nothing to
    // open, Mount SSH Host itself comes up instead of a toast pointing at it.
    if (isSshmountError(error) && error.kind === "not-found") {
      await mountSshHost();
      return;
    }
    await failWithoutWindow(error);
  }
}
