import { Color, Icon, type Image } from "@raycast/api";
import type { MountInfo, MountStatus } from "../../helper";

/** How each status looks wherever a mount is shown: List Mounts and the menu bar. */
export const statusLook: Record<MountStatus, { icon: Icon; color: Color; label: string }> = {
  ready: { icon: Icon.CheckCircle, color: Color.Green, label: "Ready" },
  starting: { icon: Icon.CircleProgress, color: Color.Blue, label: "Starting" },
  reconnecting: { icon: Icon.ArrowClockwise, color: Color.Orange, label: "Reconnecting" },
  error: { icon: Icon.XMarkCircle, color: Color.Red, label: "Error" },
  stopped: { icon: Icon.Stop, color: Color.SecondaryText, label: "Stopped" },
};

/**
 * The menu bar's icon and tooltip: plain while every mount is fine, orange while one reconnects, a red
 * warning when one failed or the mounts could not be read. A different icon as well as a colour, so
 * the state reads without telling colours apart.
 */
export function menuBarLook(
  mounts: MountInfo[],
  failure: string | undefined,
): { icon: Image.ImageLike; tooltip: string } {
  const failed = mounts.filter((mount) => mount.status === "error").map((mount) => mount.name);
  const reconnecting = mounts.filter((mount) => mount.status === "reconnecting").map((mount) => mount.name);
  if (failure) return { icon: { source: Icon.Warning, tintColor: Color.Red }, tooltip: `SSH Mounts: ${failure}` };
  if (failed.length > 0) {
    return { icon: { source: Icon.Warning, tintColor: Color.Red }, tooltip: `SSH Mounts: ${failed.join(", ")} failed` };
  }
  if (reconnecting.length > 0) {
    return {
      icon: { source: Icon.ArrowClockwise, tintColor: Color.Orange },
      tooltip: `SSH Mounts: ${reconnecting.join(", ")} reconnecting`,
    };
  }
  const ready = mounts.filter((mount) => mount.status === "ready").length;
  return { icon: Icon.HardDrive, tooltip: `SSH Mounts: ${ready} of ${mounts.length} ready` };
}
