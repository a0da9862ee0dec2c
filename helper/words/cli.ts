/** The CLI's words for each kind of error: a hint that names the verbs and flags to run next. */
import { AUTOMATION_PANE, type ErrorFacts, type SshmountError } from "../errors";
import { hostKeyCommand, isOpenSsh, macOsTools, programBase } from "./commands";

const dockerStartHint =
  "Start OrbStack (https://orbstack.dev) or Docker Desktop and try again; on Linux start the Docker service. " +
  "To use another engine, set DOCKER_HOST or pass its socket.";

export function cliHint(error: SshmountError): string {
  const { facts } = error;
  const target = facts.alias ?? "the host";
  switch (error.kind) {
    case "docker-unavailable":
      return dockerStartHint;
    case "image-build-failed":
      return "Check that Docker can reach the Debian package mirror, then try again. `sshmount logs` is not available until the image builds.";
    case "ssh-config-invalid":
      return `Fix ${facts.line ? `line ${facts.line}` : "the line named above"}${facts.file ? ` of ${facts.file}` : ""}, then try again (\`ssh -G ${target}\` shows how OpenSSH reads the config).`;
    case "auth-failed":
      return `Check that \`ssh ${target}\` works in a terminal: load your key into the agent (\`ssh-add\`) or set IdentityFile for this host. If it takes a password, mount with --password-stdin (Raycast asks for it).`;
    case "auth-interactive":
      return `A background mount can answer a password but not a one-time code or other prompts. Use a key for ${target} (\`ssh-copy-id ${target}\`) if the server lets keys in without the second factor.`;
    case "key-encrypted":
      return `Add the key to your ssh agent once: \`ssh-add --apple-use-keychain ${facts.file ?? "KEY"}\` on macOS (\`ssh-add ${facts.file ?? "KEY"}\` elsewhere), then mount again. sshmount never asks for key passphrases.`;
    case "host-key-unknown":
      return facts.hostKey
        ? `Compare ${facts.hostKey.fingerprint} with the server's own key (\`${hostKeyCommand(facts.hostKey)}\` on it). If they match, mount again with --trust-host-key ${facts.hostKey.fingerprint}.`
        : `Connect once with \`ssh ${target}\` in a terminal, compare the fingerprint with the server's, and accept it; then mount again.`;
    case "host-key-changed":
      return `The server's host key differs from the one in your known_hosts. If the server was reinstalled, verify the new key with its administrator and run \`ssh-keygen -R ${facts.host ?? target}\`; otherwise do not connect.`;
    case "host-unreachable":
      if (facts.inConfig === false)
        return "Check the spelling: `sshmount hosts` lists the hosts of your ssh config, and any other name must resolve.";
      return `Check the host name, your network or VPN, and that \`ssh ${target}\` connects from this machine.`;
    case "path-missing":
      return `Check the path with \`ssh ${target} ls -d ${facts.remotePath ?? "PATH"}\`, or leave it empty to mount your home folder.`;
    case "mount-failed":
      return "See the ssh message above; `sshmount logs NAME` shows the container's full log.";
    case "timeout":
      return `The host did not answer in time. Check that \`ssh ${target}\` connects, then try again.`;
    case "cancelled":
      return "Nothing was left behind; mount again when you are ready.";
    case "name-taken":
      return "Choose another name with --name, or unmount the existing mount first.";
    case "not-found":
      return "Run `sshmount list` to see the current mounts.";
    case "invalid-input":
      return "Correct the value and try again.";
    case "unsupported":
      return "See `sshmount doctor` for what this machine supports.";
    case "internal":
      return "This is a bug in sshmount; please report it with `sshmount doctor --json` output.";
    case "finder-failed":
      return finderHint(facts);
    case "program-missing":
      return programHint(facts.program ?? "");
    case "app-failed":
      return `Check that ${facts.app ?? "the app"} is installed; if macOS asked whether it may be controlled, allow it in ${AUTOMATION_PANE.name}.`;
    case "file-access":
      return `Check that ${facts.file ?? "the file"} exists and that your user may read and write it (\`ls -l\` shows its owner and mode).`;
  }
}

function programHint(program: string): string {
  const base = programBase(program);
  if (isOpenSsh(base)) {
    return "Install OpenSSH (it ships with macOS; on Debian or Ubuntu `apt-get install openssh-client`) and make sure `ssh` is on PATH.";
  }
  if (macOsTools.has(base)) {
    return `${base} ships with macOS: check that PATH includes /usr/bin, /bin, /usr/sbin and /sbin and that ${program} may be executed.`;
  }
  return `Install ${base} or put it on PATH, then try again.`;
}

function finderHint(facts: ErrorFacts): string {
  switch (facts.finder) {
    case "cancelled":
      return "A macOS dialog was closed before the share was mounted. Run `sshmount open NAME` again and answer it.";
    case "not-permitted":
      return `Allow the app that ran sshmount (Terminal, iTerm, Raycast) in ${(facts.permission ?? AUTOMATION_PANE).name}, then run \`sshmount open NAME\` again.`;
    case "login-refused":
      return "The share refused sshmount's own login. `sshmount remount NAME` restarts its server with the same password; if it still refuses, unmount and mount again.";
    case "unreachable":
      return "Finder could not reach the share. `sshmount doctor` checks the route to the container; `sshmount open NAME --connect localhost` uses a port on 127.0.0.1 instead.";
    case "timeout":
      return "macOS did not finish in time; a dialog may still be open. Answer or close it, then run `sshmount open NAME` again.";
    default:
      return "See osascript's words above, then try `sshmount open NAME` again; `sshmount doctor` checks the route to the container.";
  }
}
