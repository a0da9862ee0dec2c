import { Action, ActionPanel, Alert, Color, confirmAlert, Icon, Keyboard, List } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useEffect } from "react";
import { describeError, list, remount, unmount, unmountAll, type MountInfo, type MountStatus } from "../helper";
import { ErrorList } from "./components/ErrorView";
import { LogsView } from "./components/LogsView";
import { MountHostActions } from "./components/MountHostActions";
import { usePlaces } from "./hooks/usePlaces";
import { helperOptions } from "./lib/helper-options";
import { forgetLastMount } from "./lib/last-mount";
import { mountSshHost } from "./lib/launch";
import { openMountWithToast } from "./lib/mount-actions";
import { withToast } from "./lib/toast";

const statusLook: Record<MountStatus, { icon: Icon; color: Color; label: string }> = {
  ready: { icon: Icon.CheckCircle, color: Color.Green, label: "Ready" },
  starting: { icon: Icon.CircleProgress, color: Color.Blue, label: "Starting" },
  reconnecting: { icon: Icon.ArrowClockwise, color: Color.Orange, label: "Reconnecting" },
  error: { icon: Icon.XMarkCircle, color: Color.Red, label: "Error" },
  stopped: { icon: Icon.Stop, color: Color.SecondaryText, label: "Stopped" },
};

/** While a mount is on its way up or reconnecting, the list looks again this often. */
const REFRESH_MS = 2000;

export default function Command() {
  const { data, isLoading, error, revalidate } = useCachedPromise(() => list(helperOptions()), [], {
    keepPreviousData: true,
  });
  const places = usePlaces();
  const moving = (data ?? []).some((mount) => mount.status === "starting" || mount.status === "reconnecting");
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(revalidate, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [moving, data, revalidate]);

  if (error) return <ErrorList error={describeError(error, "raycast")} onRetry={revalidate} />;

  async function confirmUnmount(mount: MountInfo) {
    const confirmed = await confirmAlert({
      title: `Unmount ${mount.name}?`,
      message: `Finder loses ${mount.alias}:${mount.remotePath}; files on the server stay as they are.`,
      primaryAction: { title: "Unmount", style: Alert.ActionStyle.Destructive },
    });
    if (!confirmed) return;
    await withToast(`Unmounting ${mount.name}`, `Unmounted ${mount.name}`, async () => {
      await unmount(mount.name, helperOptions());
      await forgetLastMount(mount.name);
    });
    revalidate();
  }

  async function confirmUnmountAll() {
    const count = data?.length ?? 0;
    const confirmed = await confirmAlert({
      title: `Unmount All ${count} Mounts?`,
      message: "Finder loses every SSH mount; files on the servers stay as they are.",
      primaryAction: { title: "Unmount All", style: Alert.ActionStyle.Destructive },
    });
    if (!confirmed) return;
    await withToast("Unmounting all", "Unmounted all mounts", () => unmountAll(helperOptions()));
    revalidate();
  }

  return (
    <List isLoading={isLoading} searchBarPlaceholder="Search mounts">
      {/* Only when there really is none: a search that matches nothing gets Raycast's own "No Results". */}
      {!isLoading && data?.length === 0 && (
        <List.EmptyView
          icon={Icon.HardDrive}
          title="No Mounts"
          description="Mount a host from your SSH config to see it here."
          actions={
            <ActionPanel>
              <Action title="Mount SSH Host" icon={Icon.Plus} onAction={mountSshHost} />
            </ActionPanel>
          }
        />
      )}
      {(data ?? []).map((mount) => {
        const look = statusLook[mount.status];
        return (
          <List.Item
            key={mount.name}
            title={mount.name}
            subtitle={`${mount.alias}:${mount.remotePath}`}
            icon={{ source: look.icon, tintColor: look.color }}
            keywords={[mount.alias, mount.destination]}
            accessories={[
              ...(mount.smb.url ? [{ text: mount.smb.url }] : []),
              { tag: { value: look.label, color: look.color }, tooltip: mount.error },
            ]}
            actions={
              <ActionPanel>
                <ActionPanel.Section>
                  <Action
                    title="Open in Finder"
                    icon={Icon.Finder}
                    onAction={() => openMountWithToast(mount.name).then(revalidate)}
                  />
                  {mount.smb.url && (
                    <Action.CopyToClipboard
                      title="Copy SMB URL"
                      content={mount.smb.url}
                      shortcut={Keyboard.Shortcut.Common.Copy}
                    />
                  )}
                  <Action.Push
                    title="Show Logs"
                    icon={Icon.Terminal}
                    target={<LogsView name={mount.name} />}
                    shortcut={{ modifiers: ["cmd"], key: "l" }}
                  />
                  <Action
                    title="Remount"
                    icon={Icon.ArrowClockwise}
                    shortcut={{ modifiers: ["cmd", "shift"], key: "r" }}
                    onAction={() =>
                      withToast(`Remounting ${mount.name}`, `Remounted ${mount.name}`, () =>
                        remount(mount.name, helperOptions()),
                      ).then(revalidate)
                    }
                  />
                  <Action
                    title="Mount SSH Host"
                    icon={Icon.Plus}
                    shortcut={Keyboard.Shortcut.Common.New}
                    onAction={mountSshHost}
                  />
                  <Action
                    title="Refresh"
                    icon={Icon.ArrowClockwise}
                    shortcut={Keyboard.Shortcut.Common.Refresh}
                    onAction={revalidate}
                  />
                </ActionPanel.Section>
                <MountHostActions mount={mount} places={places} />
                <ActionPanel.Section title="Danger Zone">
                  <Action
                    title="Unmount"
                    icon={Icon.Eject}
                    style={Action.Style.Destructive}
                    shortcut={Keyboard.Shortcut.Common.Remove}
                    onAction={() => confirmUnmount(mount)}
                  />
                  <Action
                    title="Unmount All"
                    icon={Icon.Trash}
                    style={Action.Style.Destructive}
                    shortcut={Keyboard.Shortcut.Common.RemoveAll}
                    onAction={confirmUnmountAll}
                  />
                </ActionPanel.Section>
              </ActionPanel>
            }
          />
        );
      })}
    </List>
  );
}
