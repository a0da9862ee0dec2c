import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { INSTALL_CONNECTOR, type MountInfo } from "../../helper";
import { openMountWithToast, showMounts } from "../lib/mount-actions";

/** Where a successful mount lands: the share's address and the three things one does next. */
export function MountedView({ mount }: { mount: MountInfo }) {
  const connection = mount.connection;
  // Served on a localhost port because the container IP cannot be reached: say why and offer the fix.
  const unrouted = connection?.mode === "localhost" && (connection.via === "none" || connection.via === "vpn");
  const markdown = [
    `# ${mount.alias}:${mount.remotePath} is mounted`,
    `Finder connects to \`${mount.smb.url}\` as \`${mount.smb.user}\` with the mount's own password, which sshmount gives macOS each time it opens the share.`,
    ...(connection
      ? [
          `**Connection:** ${connection.mode === "bridge" ? "the container's IP" : "a port on localhost"}, because ${connection.reason}`,
        ]
      : []),
  ].join("\n\n");
  return (
    <Detail
      markdown={markdown}
      metadata={
        <Detail.Metadata>
          <Detail.Metadata.Label title="Name" text={mount.name} />
          <Detail.Metadata.Label title="Host" text={mount.destination} />
          <Detail.Metadata.Label title="Status" text={mount.status} />
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          <Action title="Open in Finder" icon={Icon.Finder} onAction={() => openMountWithToast(mount.name)} />
          <Action.CopyToClipboard
            title="Copy SMB URL"
            content={mount.smb.url}
            shortcut={Keyboard.Shortcut.Common.Copy}
          />
          <Action title="Show Mounts" icon={Icon.List} onAction={showMounts} />
          {unrouted && connection?.via === "none" && (
            <ActionPanel.Section title="Reach Container IPs">
              <Action.OpenInBrowser title="Get OrbStack" url="https://orbstack.dev" />
              <Action.CopyToClipboard title="Copy Connector Install Commands" content={INSTALL_CONNECTOR.join("\n")} />
            </ActionPanel.Section>
          )}
        </ActionPanel>
      }
    />
  );
}
