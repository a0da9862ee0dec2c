import { LaunchType, launchCommand } from "@raycast/api";

/** The extension's other commands, opened from an action or a toast. */
export function showMounts(): Promise<void> {
  return launchCommand({ name: "list-mounts", type: LaunchType.UserInitiated });
}

export function mountSshHost(): Promise<void> {
  return launchCommand({ name: "mount-ssh-host", type: LaunchType.UserInitiated });
}

export function checkSetup(): Promise<void> {
  return launchCommand({ name: "check-setup", type: LaunchType.UserInitiated });
}
