import { LaunchType, launchCommand } from "@raycast/api";

/** The extension's other commands, opened from an action or a toast. */
/** What another command asks List Mounts to do as it opens. */
export interface ListMountsContext {
  /** Ask to unmount this mount, as List Mounts' own Unmount does: the menu bar cannot show an alert. */
  confirmUnmount?: string;
}

export function showMounts(context?: ListMountsContext): Promise<void> {
  return launchCommand({ name: "list-mounts", type: LaunchType.UserInitiated, ...(context ? { context } : {}) });
}

export function mountSshHost(): Promise<void> {
  return launchCommand({ name: "mount-ssh-host", type: LaunchType.UserInitiated });
}

export function checkSetup(): Promise<void> {
  return launchCommand({ name: "check-setup", type: LaunchType.UserInitiated });
}
