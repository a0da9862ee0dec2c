import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { INSTALL_CONNECTOR, type ErrorDescription, type MountInfo } from "../../helper";
import { showMounts } from "../lib/launch";
import { openMountWithToast } from "../lib/mount-actions";
import { usePlaces } from "../hooks/usePlaces";
import { FixAction } from "./ErrorActions";
import { MountHostActions } from "./MountHostActions";

/** Finder's failure and its fix; an untyped failure's advice (report a bug) would mislead beside a working mount. */
function finderAdvice(error: ErrorDescription): string {
  return error.kind === "internal" ? error.message : `${error.message}. ${error.hint}`;
}

/**
 * Where a successful mount lands: the share's address and the three things one does next. When Finder
 * could not open it, the mount still stands: the page says so and offers to open it again.
 */
export function MountedView({ mount, finderError }: { mount: MountInfo; finderError?: ErrorDescription }) {
  const places = usePlaces();
  const connection = mount.connection;
  // Served on a localhost port because the container IP cannot be reached: say why and offer the fix.
  const unrouted = connection?.mode === "localhost" && (connection.via === "none" || connection.via === "vpn");
  const markdown = [
    `# ${mount.alias}:${mount.remotePath} is mounted`,
    ...(finderError ? [`> **Finder could not open it:** ${finderAdvice(finderError)}`] : []),
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
          <Action
            title={finderError ? "Open Again" : "Open in Finder"}
            icon={Icon.Finder}
            onAction={() => openMountWithToast(mount.name)}
          />
          <Action.CopyToClipboard
            title="Copy SMB URL"
            content={mount.smb.url}
            shortcut={Keyboard.Shortcut.Common.Copy}
          />
          <Action title="Show Mounts" icon={Icon.List} onAction={showMounts} />
          <MountHostActions mount={mount} places={places} />
          {/* Finder's own fixes (System Settings, Check Setup); opening again and the URL are above. */}
          {finderError?.actions
            .filter((action) => action.type !== "retry" && action.type !== "copy-url")
            .map((action) => (
              <FixAction key={action.type} action={action} fixes={{}} />
            ))}
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
