import { Action, ActionPanel, Icon, Keyboard } from "@raycast/api";
import type { ErrorAction, ErrorDescription, PresentedHostKey } from "../../helper";
import { showMounts } from "../lib/launch";
import { CheckSetupView } from "./CheckSetupView";
import { EngineActions } from "./EngineActions";
import { LogsView } from "./LogsView";

/** The fixes only the screen that ran the mount can carry out: it knows the host and the request. */
interface ErrorFixes {
  onRetry?: () => void;
  /** After the user confirmed the fingerprint in a dialog. */
  onTrustHostKey?: (hostKey: PresentedHostKey) => void;
  onEnterPassword?: () => void;
  onEditMount?: () => void;
}

export interface ErrorProps extends ErrorFixes {
  error: ErrorDescription;
}

function errorText(error: ErrorDescription): string {
  return `${error.message}\n\n${error.hint}`;
}

export function FixAction({ action, fixes }: { action: ErrorAction; fixes: ErrorFixes }) {
  switch (action.type) {
    case "trust-host-key":
      return fixes.onTrustHostKey ? (
        <Action title="Trust Host Key" icon={Icon.Key} onAction={() => fixes.onTrustHostKey?.(action.hostKey)} />
      ) : null;
    case "enter-password":
      return fixes.onEnterPassword ? (
        <Action title="Enter Password" icon={Icon.Lock} onAction={fixes.onEnterPassword} />
      ) : null;
    case "edit-mount":
      return fixes.onEditMount ? <Action title="Edit Mount" icon={Icon.Pencil} onAction={fixes.onEditMount} /> : null;
    case "copy-command":
      return <Action.CopyToClipboard title="Copy Command" content={action.command} />;
    case "open-ssh-config":
      return (
        <Action.Open
          title="Open SSH Config"
          icon={Icon.Document}
          target={action.file}
          shortcut={Keyboard.Shortcut.Common.Open}
        />
      );
    case "open-engine":
      return <EngineActions />;
    case "check-setup":
      return <Action.Push title="Check Setup" icon={Icon.Heartbeat} target={<CheckSetupView />} />;
    case "show-logs":
      return (
        <Action.Push
          title="Show Logs"
          icon={Icon.Terminal}
          target={<LogsView name={action.name} />}
          shortcut={{ modifiers: ["cmd"], key: "l" }}
        />
      );
    case "show-mounts":
      return <Action title="Show Mounts" icon={Icon.List} onAction={showMounts} />;
    case "open-settings":
      return <Action.Open title="Open System Settings" icon={Icon.Gear} target={action.pane.url} />;
    case "copy-url":
      return <Action.CopyToClipboard title="Copy SMB URL" content={action.url} />;
    case "retry":
      return fixes.onRetry ? (
        <Action
          title="Retry"
          icon={Icon.ArrowClockwise}
          shortcut={Keyboard.Shortcut.Common.Refresh}
          onAction={fixes.onRetry}
        />
      ) : null;
  }
}

/** The failure's fixes as actions, in the order errors.ts gives them; Check Setup and Copy Error for every one. */
export function ErrorActions({ error, ...fixes }: ErrorProps) {
  const offersSetup = error.actions.some((action) => action.type === "check-setup");
  return (
    <ActionPanel>
      {error.actions.map((action) => (
        <FixAction key={action.type} action={action} fixes={fixes} />
      ))}
      {!offersSetup && <FixAction action={{ type: "check-setup" }} fixes={fixes} />}
      <Action.CopyToClipboard title="Copy Error" content={errorText(error)} shortcut={Keyboard.Shortcut.Common.Copy} />
    </ActionPanel>
  );
}
