import os from "node:os";
import path from "node:path";
import { environment, getPreferenceValues } from "@raycast/api";
import type { ConnectionMode, Editor, HelperOptions, MetadataStore, TerminalApp } from "../../helper";
import { boundaries } from "./boundaries";

interface Preferences {
  sshConfig?: string;
  dockerSocket?: string;
  connectionMode?: ConnectionMode;
  metadataStore?: MetadataStore;
  defaultRemotePath?: string;
  openFinder?: boolean;
  terminalApp?: TerminalApp;
  editorApp?: Editor;
}

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

export function preferences(): Required<Preferences> {
  const values = getPreferenceValues<Preferences>();
  return {
    sshConfig: values.sshConfig?.trim() ?? "",
    dockerSocket: values.dockerSocket?.trim() ?? "",
    connectionMode: values.connectionMode ?? "auto",
    metadataStore: values.metadataStore ?? "mac",
    defaultRemotePath: values.defaultRemotePath?.trim() ?? "",
    openFinder: values.openFinder ?? true,
    terminalApp: values.terminalApp ?? "terminal",
    editorApp: values.editorApp ?? "vscode",
  };
}

/**
 * What every helper call gets: the user's preferences and the boundaries (./boundaries). The image is
 * built from assets/container, which the bundle ships (Raycast ships nothing else of the repository);
 * Raycast runs this extension on macOS only.
 */
export function helperOptions(): HelperOptions & { sshConfig?: string } {
  const prefs = preferences();
  return {
    ...(prefs.dockerSocket ? { dockerSocket: expandHome(prefs.dockerSocket) } : {}),
    ...(prefs.sshConfig ? { sshConfig: expandHome(prefs.sshConfig) } : {}),
    connection: prefs.connectionMode,
    assetsPath: environment.assetsPath,
    platform: "darwin",
    ...boundaries,
  };
}
