import { Action, ActionPanel, getApplications, Icon, Keyboard, type Application } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import type { ErrorDescription } from "../../helper";

const engineApps = [
  { bundleId: "dev.kdrag0n.MacVirt", title: "Open OrbStack" },
  { bundleId: "com.docker.docker", title: "Open Docker Desktop" },
];

/** OrbStack and Docker Desktop, when installed: the fix for "no Docker engine" is one action away. */
function useEngineApps(enabled: boolean): Application[] {
  const { data } = usePromise(getApplications, [], { execute: enabled });
  return (data ?? []).filter((app) => engineApps.some((engine) => engine.bundleId === app.bundleId));
}

function errorText(error: ErrorDescription): string {
  return `${error.message}\n\n${error.hint}`;
}

export interface ErrorProps {
  error: ErrorDescription;
  onRetry?: () => void;
}

/** The fix for each kind of failure, as actions; Retry and Copy Error for every one. */
export function ErrorActions({ error, onRetry }: ErrorProps) {
  const apps = useEngineApps(error.kind === "docker-unavailable");
  const command = /`(ssh-add [^`]+)`/.exec(error.hint)?.[1];
  return (
    <ActionPanel>
      {apps.map((app) => (
        <Action.Open
          key={app.bundleId}
          title={engineApps.find((engine) => engine.bundleId === app.bundleId)?.title ?? `Open ${app.name}`}
          icon={Icon.Play}
          target={app.path}
        />
      ))}
      {onRetry && <Action title="Retry" icon={Icon.ArrowClockwise} onAction={onRetry} />}
      {command && (
        <Action.CopyToClipboard title="Copy Command" content={command} shortcut={Keyboard.Shortcut.Common.CopyName} />
      )}
      <Action.CopyToClipboard title="Copy Error" content={errorText(error)} shortcut={Keyboard.Shortcut.Common.Copy} />
    </ActionPanel>
  );
}
