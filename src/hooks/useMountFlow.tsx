import { Clipboard, confirmAlert, showToast, Toast, useNavigation } from "@raycast/api";
import { useCallback } from "react";
import { isSshmountError, mount, type HostEntry, type MountProgress } from "../../helper";
import { ErrorView } from "../components/ErrorView";
import { MountedView } from "../components/MountedView";
import { helperOptions, preferences } from "../lib/helper-options";
import { rememberLastMount, rememberNeedsPassword } from "../lib/last-mount";
import { openMount, openMountWithToast } from "../lib/mount-actions";
import { failToast } from "../lib/toast";

export interface MountRequest {
  remotePath: string;
  name?: string;
  password?: string;
}

/** A server that refused the login but offers a password (or PAM's keyboard-interactive) takes one. */
function offersPassword(error: unknown): boolean {
  return (
    isSshmountError(error) &&
    error.kind === "auth-failed" &&
    (error.facts.authMethods ?? []).some((method) => method === "password" || method === "keyboard-interactive")
  );
}

/** Docker's "Step 3/9 : RUN …" while the image builds: enough to show it moves. */
function stepOf(progress: MountProgress): string | undefined {
  return /^Step \d+\/\d+/.exec(progress.detail ?? "")?.[0];
}

/**
 * Mounting as the user sees it: an Animated toast whose title follows the helper's real steps, then
 * Finder, then a success page; on failure the fix: a confirm dialog for an unknown host key, a password
 * field for a host that takes one, an error page with actions for the rest.
 */
export function useMountFlow(onNeedsPassword: (host: HostEntry, request: MountRequest) => void) {
  const { push } = useNavigation();
  return useCallback(
    async function run(host: HostEntry, request: MountRequest, trustHostKeys: string[] = []): Promise<void> {
      const toast = await showToast({ style: Toast.Style.Animated, title: "Checking Docker" });
      try {
        const mounted = await mount(host.alias, request.remotePath, {
          ...helperOptions(),
          name: request.name || undefined,
          password: request.password || undefined,
          trustHostKeys,
          onProgress: (progress) => {
            if (progress.step === "ready") return;
            toast.title = progress.message;
            toast.message = stepOf(progress);
          },
        });
        await rememberLastMount(mounted.name);
        if (preferences().openFinder) {
          toast.title = "Opening Finder";
          toast.message = undefined;
          await openMount(mounted.name);
        }
        toast.title = `Mounted ${host.alias}`;
        toast.message = mounted.smb.url;
        toast.style = Toast.Style.Success;
        toast.primaryAction = { title: "Open in Finder", onAction: () => openMountWithToast(mounted.name) };
        toast.secondaryAction = { title: "Copy SMB URL", onAction: () => Clipboard.copy(mounted.smb.url) };
        push(<MountedView mount={mounted} />);
      } catch (error) {
        const description = failToast(toast, error);
        const hostKey = description.hostKey;
        if (description.kind === "host-key-unknown" && hostKey) {
          const owner = hostKey.jumpHost ? `the jump host ${hostKey.jumpHost}` : host.alias;
          const trusted = await confirmAlert({
            title: `Trust the Host Key of ${owner}?`,
            message: `${hostKey.host} presents\n${hostKey.type} ${hostKey.fingerprint}\n\nCompare it with the server's own key before you trust it. It will be added to your known_hosts.`,
            primaryAction: { title: "Trust and Mount" },
          });
          if (trusted) await run(host, request, [...trustHostKeys, hostKey.fingerprint]);
          return;
        }
        if (offersPassword(error) && !request.password) {
          await rememberNeedsPassword(host.alias);
          toast.title = `${host.alias} Needs a Password`;
          toast.message = "Enter it in the form and mount again.";
          onNeedsPassword(host, request);
          return;
        }
        push(<ErrorView error={description} onRetry={() => run(host, request, trustHostKeys)} />);
      }
    },
    [push, onNeedsPassword],
  );
}
