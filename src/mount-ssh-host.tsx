import { Action, ActionPanel, Icon, Keyboard, List, useNavigation } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { describeError, hosts, type HostEntry } from "../helper";
import { ErrorList } from "./components/ErrorView";
import { MountForm } from "./components/MountForm";
import { useMountFlow } from "./hooks/useMountFlow";
import { helperOptions, preferences } from "./lib/helper-options";
import { showMounts } from "./lib/mount-actions";

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
  const mountNow = useMountFlow((host, request) => push(<MountForm host={host} askPassword initial={request} />));

  if (error) return <ErrorList error={describeError(error)} onRetry={revalidate} />;
  return (
    <List isLoading={isLoading} searchBarPlaceholder="Search hosts from your SSH config">
      <List.EmptyView
        icon={Icon.Terminal}
        title="No Hosts in Your SSH Config"
        description="Add a Host block to ~/.ssh/config (or choose another file in the preferences) and it appears here."
      />
      {(data ?? []).map((host) => (
        <List.Item
          key={host.alias}
          title={host.alias}
          icon={Icon.Terminal}
          keywords={[host.hostName, host.user]}
          accessories={accessories(host)}
          actions={
            <ActionPanel>
              <Action.Push title="Mount…" icon={Icon.HardDrive} target={<MountForm host={host} />} />
              <Action
                title="Mount Default Folder"
                icon={Icon.Bolt}
                shortcut={{ modifiers: ["cmd", "shift"], key: "return" }}
                onAction={() => mountNow(host, { remotePath: preferences().defaultRemotePath })}
              />
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
