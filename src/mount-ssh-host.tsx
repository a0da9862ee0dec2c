import {
  Action,
  ActionPanel,
  Color,
  Icon,
  Keyboard,
  List,
  showToast,
  Toast,
  useNavigation,
  type LaunchProps,
} from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useEffect, useRef, type ReactNode } from "react";
import {
  describeError,
  hosts,
  list,
  SshmountError,
  targetFromArguments,
  type HostEntry,
  type MountInfo,
} from "../helper";
import { ErrorList } from "./components/ErrorView";
import { MountForm, mountFormFor } from "./components/MountForm";
import { PinAction } from "./components/MountHostActions";
import { useMountFlow, type MountRequest } from "./hooks/useMountFlow";
import { usePlaces, type Places } from "./hooks/usePlaces";
import { helperOptions, preferences } from "./lib/helper-options";
import { needsPassword } from "./lib/last-mount";
import { showMounts } from "./lib/launch";
import { failToast } from "./lib/toast";
import { placeDeeplink, placeTarget, samePlace, type Place } from "./lib/places";

/** The command's optional arguments (package.json): `mount web`, `mount web:~/site`, or host and path apart. */
interface MountArguments {
  host?: string;
  remotePath?: string;
}

const hostLine = (host: HostEntry) => `${host.user}@${host.hostName}:${host.port}`;

/** Mounts that are up or on their way: a stopped one is not "Mounted". */
const running = (mount: MountInfo) => mount.status !== "stopped";

function mountedTag(mounts: MountInfo[]): List.Item.Accessory[] {
  if (mounts.length === 0) return [];
  return [{ tag: { value: "Mounted", color: Color.Green }, tooltip: mounts.map((mount) => mount.name).join(", ") }];
}

function accessories(host: HostEntry, mounts: MountInfo[]): List.Item.Accessory[] {
  return [
    ...mountedTag(mounts),
    ...(host.proxyJump ? [{ tag: `via ${host.proxyJump}`, icon: Icon.Link, tooltip: "Jump host (ProxyJump)" }] : []),
    { text: hostLine(host) },
  ];
}

/** Both arguments are optional: a launch from root search without them lists the hosts as before. */
export default function Command(props: Partial<LaunchProps<{ arguments: MountArguments }>>) {
  const { push } = useNavigation();
  const { data, isLoading, error, revalidate } = useCachedPromise(() => hosts(helperOptions()), [], {
    keepPreviousData: true,
  });
  // Only for the "Mounted" tags: without an engine the hosts still list, and mounting says what is wrong.
  const { data: mounts } = useCachedPromise(() => list(helperOptions()), [], { onError: () => undefined });
  const places = usePlaces();
  const askPassword = (host: HostEntry, request?: MountRequest) =>
    push(<MountForm host={host} askPassword initial={request} />);
  const mountNow = useMountFlow(askPassword, mountFormFor);
  /** Enter: straight to Finder; a host known to take a password gets the form for it. */
  const mountAt = async (host: HostEntry, remotePath: string) => {
    if (await needsPassword(host.alias)) askPassword(host, { remotePath });
    else await mountNow(host, { remotePath });
  };
  const mountDefault = (host: HostEntry) => mountAt(host, preferences().defaultRemotePath);

  useMountArguments(props.arguments, data, mountAt);

  if (error) return <ErrorList error={describeError(error, "raycast")} onRetry={revalidate} />;
  const upMounts = (mounts ?? []).filter(running);
  const mountsOf = (alias: string) => upMounts.filter((mount) => mount.alias === alias);
  const mountsAt = (target: Place) =>
    upMounts.filter((mount) => samePlace({ alias: mount.alias, remotePath: mount.remotePath }, target));
  const hostActions = (host: HostEntry) => (
    <>
      <Action title="Show Mounts" icon={Icon.List} shortcut={{ modifiers: ["cmd"], key: "l" }} onAction={showMounts} />
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
    </>
  );
  const hostList = data ?? [];
  return (
    <List isLoading={isLoading || places.isLoading} searchBarPlaceholder="Search hosts from your SSH config">
      {/* Only a config without hosts gets this; a search that matches none gets Raycast's own "No Results". */}
      {!isLoading && hostList.length === 0 && (
        <List.EmptyView
          icon={Icon.Terminal}
          title="No Hosts in Your SSH Config"
          description="Add a Host block to ~/.ssh/config (or choose another file in the preferences) and it appears here."
        />
      )}
      {places.pins.length > 0 && (
        <List.Section title="Pinned">
          {places.pins.map((pin) => (
            <PinnedItem
              key={placeTarget(pin)}
              pin={pin}
              host={hostList.find((host) => host.alias === pin.alias)}
              mounts={mountsAt(pin)}
              places={places}
              onMount={mountAt}
              hostActions={hostActions}
            />
          ))}
        </List.Section>
      )}
      <List.Section title={places.pins.length > 0 ? "Hosts" : undefined}>
        {hostList.map((host) => (
          <List.Item
            key={host.alias}
            title={host.alias}
            icon={Icon.Terminal}
            keywords={[host.hostName, host.user]}
            accessories={accessories(host, mountsOf(host.alias))}
            actions={
              <ActionPanel>
                <Action title="Mount Default Folder" icon={Icon.HardDrive} onAction={() => mountDefault(host)} />
                <Action.Push title="Mount…" icon={Icon.Pencil} target={<MountForm host={host} />} />
                <PinAction alias={host.alias} remotePath={preferences().defaultRemotePath} places={places} />
                {hostActions(host)}
              </ActionPanel>
            }
          />
        ))}
      </List.Section>
    </List>
  );
}

/** A pinned place: Enter mounts it; a pin whose host left the ssh config can only be unpinned. */
function PinnedItem({
  pin,
  host,
  mounts,
  places,
  onMount,
  hostActions,
}: {
  pin: Place;
  host: HostEntry | undefined;
  mounts: MountInfo[];
  places: Places;
  onMount: (host: HostEntry, remotePath: string) => Promise<void>;
  hostActions: (host: HostEntry) => ReactNode;
}) {
  const danger = (
    <ActionPanel.Section title="Danger Zone">
      <Action
        title="Unpin All"
        icon={Icon.Trash}
        style={Action.Style.Destructive}
        shortcut={Keyboard.Shortcut.Common.RemoveAll}
        onAction={places.unpinAll}
      />
    </ActionPanel.Section>
  );
  return (
    <List.Item
      title={placeTarget(pin)}
      icon={Icon.Pin}
      keywords={[pin.alias, pin.remotePath, ...(host ? [host.hostName] : [])]}
      accessories={[
        ...mountedTag(mounts),
        host
          ? { text: hostLine(host) }
          : { tag: { value: "Not in SSH Config", color: Color.Orange }, tooltip: "No Host block has this alias now" },
      ]}
      actions={
        <ActionPanel>
          {host && (
            <>
              <Action title="Mount" icon={Icon.HardDrive} onAction={() => onMount(host, pin.remotePath)} />
              <Action.Push
                title="Mount…"
                icon={Icon.Pencil}
                target={<MountForm host={host} initial={{ remotePath: pin.remotePath }} />}
              />
            </>
          )}
          <PinAction alias={pin.alias} remotePath={pin.remotePath} places={places} />
          {host && (
            <Action.CreateQuicklink
              title="Create Quicklink"
              quicklink={{ name: `Mount ${placeTarget(pin)}`, link: placeDeeplink(pin) }}
            />
          )}
          {host && hostActions(host)}
          {danger}
        </ActionPanel>
      }
    />
  );
}

/**
 * `mount web:~/site` from root search, a Quicklink or a deeplink: once the hosts are read, the place is
 * mounted as Enter on it would, read with the CLI's ALIAS[:PATH] grammar. A name that is no Host gets a
 * failure toast over the list.
 */
function useMountArguments(
  args: MountArguments | undefined,
  hostList: HostEntry[] | undefined,
  mountAt: (host: HostEntry, remotePath: string) => Promise<void>,
) {
  const handled = useRef(false);
  useEffect(() => {
    if (handled.current || !args?.host?.trim() || !hostList) return;
    handled.current = true;
    void (async () => {
      let target: { alias: string; remotePath: string };
      try {
        target = targetFromArguments(args.host ?? "", args.remotePath ?? "");
      } catch (error) {
        failToast(await showToast({ style: Toast.Style.Failure, title: "" }), error);
        return;
      }
      const host = hostList.find((entry) => entry.alias === target.alias);
      if (!host) {
        const missing = new SshmountError("host-unreachable", `${target.alias} is not a Host in your ssh config`, {
          alias: target.alias,
          inConfig: false,
        });
        failToast(await showToast({ style: Toast.Style.Failure, title: "" }), missing);
        return;
      }
      await mountAt(host, target.remotePath || preferences().defaultRemotePath);
    })();
  }, [args, hostList, mountAt]);
}
