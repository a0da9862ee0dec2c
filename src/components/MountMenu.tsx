import { Clipboard, Icon, MenuBarExtra, showHUD } from "@raycast/api";
import type { MountInfo } from "../../helper";
import { showMounts } from "../lib/launch";
import { openMountWithToast, remountWithToast } from "../lib/mount-actions";
import { statusLook } from "../lib/mount-status";

interface MountMenuProps {
  mount: MountInfo;
  /** Runs an item's work while keeping the command loaded (isLoading), then reads the mounts again. */
  run: (work: () => Promise<unknown>) => void;
}

/**
 * One mount in the menu bar: its status, and the actions List Mounts has for it. Unmount opens List
 * Mounts to ask there: a menu-bar command has no window for an alert.
 */
export function MountMenu({ mount, run }: MountMenuProps) {
  const look = statusLook[mount.status];
  const url = mount.smb.url;
  return (
    <MenuBarExtra.Submenu title={mount.name} icon={{ source: look.icon, tintColor: look.color }}>
      <MenuBarExtra.Item title={`${look.label}: ${mount.alias}:${mount.remotePath}`} tooltip={mount.error} />
      <MenuBarExtra.Item
        title="Open in Finder"
        icon={Icon.Finder}
        onAction={() => run(() => openMountWithToast(mount.name))}
      />
      {url && (
        <MenuBarExtra.Item
          title="Copy SMB URL"
          icon={Icon.Clipboard}
          onAction={() => run(() => Clipboard.copy(url).then(() => showHUD("Copied SMB URL")))}
        />
      )}
      <MenuBarExtra.Item
        title="Remount"
        icon={Icon.ArrowClockwise}
        onAction={() => run(() => remountWithToast(mount.name))}
      />
      <MenuBarExtra.Item
        title="Unmount…"
        icon={Icon.Eject}
        onAction={() => run(() => showMounts({ confirmUnmount: mount.name }))}
      />
    </MenuBarExtra.Submenu>
  );
}
