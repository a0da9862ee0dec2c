/** Raycast's words for each kind of error: a hint that names the actions it offers, and those actions. */
import {
  AUTOMATION_PANE,
  type ErrorFacts,
  type ErrorKind,
  type PresentedHostKey,
  type SettingsPane,
  type SshmountError,
} from "../errors";
import { hostKeyCommand, isOpenSsh, macOsTools, programBase, remoteWord, shellQuote } from "./commands";

/** A fix a client offers as a button; Raycast renders each one, the CLI says them in its hint instead. */
export type ErrorAction =
  | { type: "trust-host-key"; hostKey: PresentedHostKey }
  | { type: "enter-password" }
  /** Back to the form, to change the remote path or the name. */
  | { type: "edit-mount" }
  /** A command for the user's terminal, already shell-quoted. */
  | { type: "copy-command"; command: string }
  | { type: "open-ssh-config"; file: string }
  /** OrbStack or Docker Desktop, whichever is installed. */
  | { type: "open-engine" }
  | { type: "check-setup" }
  | { type: "show-logs"; name: string }
  | { type: "show-mounts" }
  /** The System Settings pane where the user grants what macOS refused. */
  | { type: "open-settings"; pane: SettingsPane }
  | { type: "copy-url"; url: string }
  | { type: "retry" };

/** Raycast's words for each kind, naming the actions it offers; a new kind fails to compile without one. */
export const raycastAdvice: Record<ErrorKind, (error: SshmountError) => { hint: string; actions: ErrorAction[] }> = {
  "docker-unavailable": () => ({
    hint: "Start OrbStack or Docker Desktop, then try again. To use another engine, set Docker Socket in the extension's preferences.",
    actions: [{ type: "open-engine" }, { type: "retry" }, { type: "check-setup" }],
  }),
  "image-build-failed": () => ({
    hint: "Check that Docker can reach the Debian package mirror, then press Retry.",
    actions: [{ type: "retry" }, { type: "check-setup" }],
  }),
  "ssh-config-invalid": ({ facts }) => ({
    hint: `Press Open SSH Config and fix ${facts.line ? `line ${facts.line}` : "the line named above"}${facts.file ? ` of ${facts.file}` : ""}, then press Retry.`,
    actions: [...(facts.file ? [{ type: "open-ssh-config" as const, file: facts.file }] : []), { type: "retry" }],
  }),
  "auth-failed": ({ facts }) => {
    const target = facts.alias ?? "the host";
    const password = (facts.authMethods ?? []).some((m) => m === "password" || m === "keyboard-interactive");
    return {
      hint: `Check that \`ssh ${target}\` works in a terminal: load your key into the agent (\`ssh-add\`) or set IdentityFile for this host, then press Retry.${password ? " It also takes a password: press Enter Password." : ""}`,
      actions: [
        ...(password ? [{ type: "enter-password" as const }] : []),
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "auth-interactive": ({ facts }) => {
    const target = facts.alias ?? "the host";
    return {
      hint: `A background mount can answer a password but not a one-time code or other prompts. Use a key for ${target} if the server lets keys in without the second factor: press Copy Command and run it in a terminal.`,
      actions: [
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh-copy-id", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "key-encrypted": ({ facts }) => {
    const copy: ErrorAction[] = facts.file
      ? [{ type: "copy-command", command: shellQuote(["ssh-add", "--apple-use-keychain", facts.file]) }]
      : [];
    return {
      hint: `Add ${facts.file ?? "the key"} to your ssh agent once: ${facts.file ? "press Copy Command and run it in Terminal (it asks for the passphrase and keeps it in your login Keychain)" : "run ssh-add with it in Terminal"}, then press Retry. This extension never asks for key passphrases.`,
      actions: [...copy, { type: "retry" }],
    };
  },
  "host-key-unknown": ({ facts }) => {
    if (!facts.hostKey) {
      return {
        hint: `Connect once with \`ssh ${facts.alias ?? "the host"}\` in a terminal, compare the fingerprint with the server's, and accept it; then press Retry.`,
        actions: [
          ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
          { type: "retry" },
        ],
      };
    }
    const { fingerprint } = facts.hostKey;
    return {
      hint: `Press Trust Host Key after comparing ${fingerprint} with the server's own key (\`${hostKeyCommand(facts.hostKey)}\` on it); if they differ, do not trust it.`,
      actions: [
        { type: "trust-host-key", hostKey: facts.hostKey },
        { type: "copy-command", command: hostKeyCommand(facts.hostKey) },
      ],
    };
  },
  "host-key-changed": ({ facts }) => {
    const host = facts.host ?? facts.alias ?? "HOST";
    return {
      hint: "The server's host key differs from the one in your known_hosts. If the server was reinstalled, verify the new key with its administrator, then press Copy Command, run it in a terminal to forget the old key, and press Retry; otherwise do not connect.",
      actions: [{ type: "copy-command", command: shellQuote(["ssh-keygen", "-R", host]) }, { type: "retry" }],
    };
  },
  "host-unreachable": ({ facts }) => {
    if (facts.inConfig === false) {
      return {
        hint: "Check the spelling: Mount SSH Host lists the hosts of your SSH config, and any other name must resolve.",
        actions: [{ type: "retry" }],
      };
    }
    return {
      hint: `Check the host name, your network or VPN, and that \`ssh ${facts.alias ?? "the host"}\` connects from this Mac, then press Retry.`,
      actions: [
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "path-missing": ({ facts }) => ({
    hint: "Check the path, or press Edit Mount and leave Remote Path empty to mount your home folder.",
    actions: [
      { type: "edit-mount" },
      ...(facts.alias
        ? [
            {
              type: "copy-command" as const,
              command: shellQuote(["ssh", facts.alias, `ls -d ${remoteWord(facts.remotePath ?? "~")}`]),
            },
          ]
        : []),
    ],
  }),
  "mount-failed": ({ facts }) => ({
    hint: facts.name
      ? "See ssh's message below; Show Logs has the container's full log."
      : "See ssh's message below, then press Retry.",
    actions: [...(facts.name ? [{ type: "show-logs" as const, name: facts.name }] : []), { type: "retry" }],
  }),
  timeout: ({ facts }) => ({
    hint: `The host did not answer in time. Check that \`ssh ${facts.alias ?? "the host"}\` connects, then press Retry.`,
    actions: [{ type: "retry" }],
  }),
  cancelled: () => ({ hint: "Nothing was left behind; press Retry when you are ready.", actions: [{ type: "retry" }] }),
  "name-taken": () => ({
    hint: "Press Edit Mount to choose another name, or unmount the existing mount in List Mounts first.",
    actions: [{ type: "edit-mount" }, { type: "show-mounts" }],
  }),
  "not-found": () => ({ hint: "List Mounts shows the current mounts.", actions: [{ type: "show-mounts" }] }),
  "invalid-input": () => ({
    hint: "Press Edit Mount, correct the value and try again.",
    actions: [{ type: "edit-mount" }],
  }),
  unsupported: () => ({ hint: "Check Setup shows what this Mac supports.", actions: [{ type: "check-setup" }] }),
  internal: () => ({
    hint: "This is a bug in sshmount; please report it with the report Check Setup copies.",
    actions: [{ type: "check-setup" }, { type: "retry" }],
  }),
  "finder-failed": ({ facts }) => finderAdvice(facts),
  "program-missing": ({ facts }) => {
    const program = facts.program ?? "";
    const base = programBase(program);
    const hint = isOpenSsh(base)
      ? "Install OpenSSH (it ships with macOS) and make sure ssh is in /usr/bin, then press Retry."
      : macOsTools.has(base)
        ? `${base} ships with macOS: it should be in /usr/bin or /usr/sbin. Check that it exists and may be run, then press Retry.`
        : `Install ${base}, then press Retry.`;
    return { hint, actions: [{ type: "retry" }, { type: "check-setup" }] };
  },
  "app-failed": ({ facts }) => ({
    hint: `Check that ${facts.app ?? "the app"} is installed, or choose another in the extension's preferences. If macOS asked whether Raycast may control it, allow it in ${AUTOMATION_PANE.name}.`,
    actions: [{ type: "open-settings", pane: AUTOMATION_PANE }, { type: "retry" }],
  }),
  "file-access": ({ facts }) => ({
    hint: `Check that ${facts.file ?? "the file"} exists and that your user may read and write it (Finder's Get Info shows its permissions), then press Retry.`,
    actions: [{ type: "retry" }],
  }),
};

/** The mount stands when Finder fails: every fix opens it again, and its URL works in any SMB client. */
function finderAdvice(facts: ErrorFacts): { hint: string; actions: ErrorAction[] } {
  const copyUrl: ErrorAction[] = facts.url ? [{ type: "copy-url", url: facts.url }] : [];
  switch (facts.finder) {
    case "cancelled":
      return {
        hint: "A macOS dialog was closed before the share was mounted: open the mount again and answer it.",
        actions: [{ type: "retry" }, ...copyUrl],
      };
    case "not-permitted": {
      const pane = facts.permission ?? AUTOMATION_PANE;
      return {
        hint: `macOS did not let Raycast mount the share. Allow Raycast in ${pane.name} (press Open System Settings), then open the mount again.`,
        actions: [{ type: "open-settings", pane }, { type: "retry" }],
      };
    }
    case "login-refused":
      return {
        hint: "The share refused the mount's own login. Remount in List Mounts restarts its server with the same password; if it still refuses, unmount and mount again.",
        actions: [{ type: "show-mounts" }, { type: "retry" }],
      };
    case "unreachable":
      return {
        hint: "Finder could not reach the share. Check Setup shows how this Mac reaches containers; setting Connection to Localhost Port in the extension's preferences uses a port on 127.0.0.1 instead.",
        actions: [{ type: "retry" }, { type: "check-setup" }, ...copyUrl],
      };
    case "timeout":
      return {
        hint: "macOS did not finish in time; a dialog may still be open. Answer or close it, then open the mount again.",
        actions: [{ type: "retry" }],
      };
    default:
      return {
        hint: "See macOS's words above, then open the mount again; the SMB URL also works in any other SMB client.",
        actions: [{ type: "retry" }, ...copyUrl],
      };
  }
}
