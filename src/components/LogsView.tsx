import { Action, ActionPanel, Detail, Icon, Keyboard } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { describeError, logs } from "../../helper";
import { helperOptions } from "../lib/helper-options";

/** The mount container's log: ssh's words, sshfs reconnects, Samba's start. */
export function LogsView({ name }: { name: string }) {
  const { data, isLoading, error, revalidate } = usePromise((mount: string) => logs(mount, helperOptions()), [name]);
  const text = error ? describeError(error).message : (data ?? "");
  return (
    <Detail
      isLoading={isLoading}
      navigationTitle={`Logs of ${name}`}
      markdown={`\`\`\`\n${text.trimEnd() || "(empty)"}\n\`\`\``}
      actions={
        <ActionPanel>
          <Action
            title="Refresh"
            icon={Icon.ArrowClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={revalidate}
          />
          <Action.CopyToClipboard title="Copy Logs" content={text} shortcut={Keyboard.Shortcut.Common.Copy} />
        </ActionPanel>
      }
    />
  );
}
