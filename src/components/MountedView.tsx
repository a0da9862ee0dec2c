import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import type { MountInfo } from "../../helper";
import { openMountWithToast, showMounts } from "../lib/mount-actions";

/** Where a successful mount lands: the share's address and the three things one does next. */
export function MountedView({ mount }: { mount: MountInfo }) {
  const markdown = [
    `# ${mount.alias}:${mount.remotePath} is mounted`,
    `Finder connects to \`${mount.smb.url}\` as \`${mount.smb.user}\`; the password is kept by the mount and given to Finder when it opens the share.`,
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
        </ActionPanel>
      }
    />
  );
}
