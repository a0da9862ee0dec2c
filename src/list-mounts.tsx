import { Action, ActionPanel, Alert, confirmAlert, Icon, Keyboard, List, type LaunchProps } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useEffect, useRef } from "react";
import { describeError, list, unmount, unmountAll, type MountInfo } from "../helper";
import { ErrorList } from "./components/ErrorView";
import { LogsView } from "./components/LogsView";
import { MountHostActions } from "./components/MountHostActions";
import { usePlaces } from "./hooks/usePlaces";
import { helperOptions } from "./lib/helper-options";
import { forgetLastMount } from "./lib/last-mount";
import { mountSshHost, type ListMountsContext } from "./lib/launch";
import { openMountWithToast, reconnectAllWithToast, remountWithToast } from "./lib/mount-actions";
import { statusLook } from "./lib/mount-status";
import { withToast } from "./lib/toast";

/** While a mount is on its way up or reconnecting, the list looks again this often. */
const REFRESH_MS = 2000;

/** Raycast hands every command its LaunchProps; List Mounts reads only the context another command sent. */
export default function Command({
  launchContext,
}: Pick<LaunchProps<{ launchContext: ListMountsContext }>, "launchContext">) {
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

  // The menu bar has no window for an alert: its Unmount opens this list, which asks here, once.
  const asked = useRef(false);
  const toConfirm = launchContext?.confirmUnmount;
  const mountToConfirm = !isLoading ? data?.find((mount) => mount.name === toConfirm) : undefined;
  useEffect(() => {
    if (!mountToConfirm || asked.current) return;
    asked.current = true;
    void confirmUnmount(mountToConfirm);
  }, [mountToConfirm]);

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
                    onAction={() => remountWithToast(mount.name).then(revalidate)}
                  />
                  <Action
                    title="Reconnect All"
                    icon={Icon.Finder}
                    onAction={() => reconnectAllWithToast().then(revalidate)}
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
