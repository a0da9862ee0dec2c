import { Action, ActionPanel, Icon, Keyboard, List, useNavigation } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { describeError, hosts, type HostEntry } from "../helper";
import { ErrorList } from "./components/ErrorView";
import { MountForm, mountFormFor } from "./components/MountForm";
import { useMountFlow, type MountRequest } from "./hooks/useMountFlow";
import { helperOptions, preferences } from "./lib/helper-options";
import { needsPassword } from "./lib/last-mount";
import { showMounts } from "./lib/launch";

function accessories(host: HostEntry): List.Item.Accessory[] {
  return [
    ...(host.proxyJump ? [{ tag: `via ${host.proxyJump}`, icon: Icon.Link, tooltip: "Jump host (ProxyJump)" }] : []),
    { text: `${host.user}@${host.hostName}:${host.port}` },
  ];
}

export default function Command() {
  const { push } = useNavigation();
  const { data, isLoading, error, revalidate } = useCachedPromise(() => hosts(helperOptions()), [], {
    keepPreviousData: true,
  });
  const askPassword = (host: HostEntry, request?: MountRequest) =>
    push(<MountForm host={host} askPassword initial={request} />);
  const mountNow = useMountFlow(askPassword, mountFormFor);
  /** Enter: the default folder, straight to Finder; a host known to take a password gets the form for it. */
  const mountDefault = async (host: HostEntry) => {
    if (await needsPassword(host.alias)) askPassword(host);
    else await mountNow(host, { remotePath: preferences().defaultRemotePath });
  };

  if (error) return <ErrorList error={describeError(error, "raycast")} onRetry={revalidate} />;
  return (
    <List isLoading={isLoading} searchBarPlaceholder="Search hosts from your SSH config">
      {/* Only a config without hosts gets this; a search that matches none gets Raycast's own "No Results". */}
      {!isLoading && data?.length === 0 && (
        <List.EmptyView
          icon={Icon.Terminal}
          title="No Hosts in Your SSH Config"
          description="Add a Host block to ~/.ssh/config (or choose another file in the preferences) and it appears here."
        />
      )}
      {(data ?? []).map((host) => (
        <List.Item
          key={host.alias}
          title={host.alias}
          icon={Icon.Terminal}
          keywords={[host.hostName, host.user]}
          accessories={accessories(host)}
          actions={
            <ActionPanel>
              <Action title="Mount Default Folder" icon={Icon.HardDrive} onAction={() => mountDefault(host)} />
              <Action.Push title="Mount…" icon={Icon.Pencil} target={<MountForm host={host} />} />
              <Action
                title="Show Mounts"
                icon={Icon.List}
                shortcut={{ modifiers: ["cmd"], key: "l" }}
                onAction={showMounts}
              />
              <Action.Open
                title="Open SSH Config"
                icon={Icon.Document}
                target={host.source.file}
                shortcut={Keyboard.Shortcut.Common.Open}
              />
              <Action
                title="Reload Hosts"
                icon={Icon.ArrowClockwise}
                shortcut={Keyboard.Shortcut.Common.Refresh}
                onAction={revalidate}
              />
            </ActionPanel>
          }
        />
      ))}
    </List>
  );
}
