import { Action, ActionPanel, Icon, Keyboard } from "@raycast/api";
import type { MountInfo } from "../../helper";
import type { Places } from "../hooks/usePlaces";
import { place, samePlace } from "../lib/places";
import { copyLocalPath, openEditorWithToast, openTerminalWithToast, showVolumeInFinder } from "../lib/mount-actions";

/** Pin or Unpin, for a host and folder, wherever one is shown (host list, List Mounts, the mounted page). */
export function PinAction({ alias, remotePath, places }: { alias: string; remotePath: string; places: Places }) {
  const target = place(alias, remotePath);
  return places.pins.some((pinned) => samePlace(pinned, target)) ? (
    <Action
      title="Unpin Place"
      icon={Icon.PinDisabled}
      shortcut={Keyboard.Shortcut.Common.Pin}
      onAction={() => places.unpin(target)}
    />
  ) : (
    <Action
      title="Pin Place"
      icon={Icon.Pin}
      shortcut={Keyboard.Shortcut.Common.Pin}
      onAction={() => places.pin(target)}
    />
  );
}

/** From a mount to its host and its Finder volume: the same section in List Mounts and on the mounted page. */
export function MountHostActions({ mount, places }: { mount: MountInfo; places: Places }) {
  return (
    <ActionPanel.Section title="On the Host">
      <Action
        title="Open in Terminal"
        icon={Icon.Terminal}
        shortcut={{ modifiers: ["cmd"], key: "t" }}
        onAction={() => openTerminalWithToast(mount)}
      />
      <Action
        title="Open in Editor"
        icon={Icon.Code}
        shortcut={{ modifiers: ["cmd", "shift"], key: "e" }}
        onAction={() => openEditorWithToast(mount)}
      />
      <Action
        title="Show in Finder"
        icon={Icon.Finder}
        shortcut={{ modifiers: ["cmd", "shift"], key: "f" }}
        onAction={() => showVolumeInFinder(mount)}
      />
      <Action
        title="Copy Local Path"
        icon={Icon.Clipboard}
        shortcut={Keyboard.Shortcut.Common.CopyPath}
        onAction={() => copyLocalPath(mount)}
      />
      <PinAction alias={mount.alias} remotePath={mount.remotePath} places={places} />
    </ActionPanel.Section>
  );
}
