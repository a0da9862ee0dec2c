import { SshmountError } from "../errors";
import { normalizeRemotePath } from "../mount/naming";
import type { CommandRunner } from "../process";
import { validateAlias } from "../ssh/options";
import { remoteWord } from "../words/commands";
import { runOpen, type ShellTarget } from "./terminal";

export const EDITORS = ["vscode", "cursor"] as const;
export type Editor = (typeof EDITORS)[number];

const editors: Record<Editor, { name: string; scheme: string }> = {
  vscode: { name: "VS Code", scheme: "vscode" },
  // Cursor is a fork of VS Code that registers cursor:// for the same remote URLs.
  cursor: { name: "Cursor", scheme: "cursor" },
};

/**
 * `vscode://vscode-remote/ssh-remote+ALIAS/ABSOLUTE/FOLDER`: Remote-SSH opens the folder on that host
 * (microsoft/vscode-remote-release#656, where the vscode-remote URL form landed; without :line:column a
 * path opens as a folder, #4779). The host and each folder name are percent-encoded.
 */
export function editorUrl(editor: Editor, alias: string, absoluteFolder: string): string {
  validateAlias(alias);
  if (!absoluteFolder.startsWith("/")) {
    throw new SshmountError("internal", "An editor opens an absolute remote folder only", { alias });
  }
  const folder = absoluteFolder.split("/").map(encodeURIComponent).join("/");
  return `${editors[editor].scheme}://vscode-remote/ssh-remote+${encodeURIComponent(alias)}${folder}`;
}

/** One line, absolute, no control characters: what `pwd` prints for a real folder. */
function parseFolder(stdout: string): string | undefined {
  const folder = stdout.replace(/\r?\n$/, "");
  return folder.startsWith("/") && !/[\p{Cc}]/u.test(folder) ? folder : undefined;
}

/**
 * The mounted folder as an absolute path: Remote-SSH takes no ~, so a home-relative folder is asked of
 * the host itself (`cd FOLDER && pwd`, the folder quoted for the remote shell). BatchMode: no prompt can
 * hang an action nobody watches; a host that needs a password fails with ssh's own words.
 */
export async function absoluteFolder(target: ShellTarget, run: CommandRunner, env: NodeJS.ProcessEnv): Promise<string> {
  validateAlias(target.alias);
  const path = normalizeRemotePath(target.remotePath);
  if (path.startsWith("/")) return path;
  const asked = await run(
    "ssh",
    ["-o", "BatchMode=yes", "-T", target.alias, `cd ${remoteWord(path ? `~/${path}` : "~")} && pwd`],
    { env, timeoutMs: 20_000 },
  );
  const folder = asked.exitCode === 0 ? parseFolder(asked.stdout) : undefined;
  if (!folder) {
    throw new SshmountError(
      "host-unreachable",
      `Could not find the folder of ${target.alias} to open it in an editor`,
      {
        alias: target.alias,
        detail: asked.stderr.trim(),
      },
    );
  }
  return folder;
}

/** Opens the editor the user chose on the mounted folder, over its own Remote-SSH connection. */
export async function openEditor(
  editor: Editor,
  target: ShellTarget,
  runtime: { run: CommandRunner; env: NodeJS.ProcessEnv },
): Promise<string> {
  const url = editorUrl(editor, target.alias, await absoluteFolder(target, runtime.run, runtime.env));
  const { name } = editors[editor];
  await runOpen(
    [url],
    runtime.run,
    (detail) =>
      new SshmountError("app-failed", `${name} could not open ${target.alias}`, {
        app: name,
        alias: target.alias,
        detail,
      }),
  );
  return url;
}
