import { Clipboard, confirmAlert, showToast, Toast, useNavigation } from "@raycast/api";
import { useCallback, useEffect, useRef, type ReactElement } from "react";
import {
  describeError,
  isSshmountError,
  mount,
  type ErrorDescription,
  type HostEntry,
  type PresentedHostKey,
} from "../../helper";
import { ErrorView } from "../components/ErrorView";
import { MountedView } from "../components/MountedView";
import { helperOptions, preferences } from "../lib/helper-options";
import { rememberLastMount, rememberNeedsPassword } from "../lib/last-mount";
import { openMount, openMountWithToast } from "../lib/mount-actions";
import { rememberRecentPath } from "../lib/places";
import { failToast, progressToast } from "../lib/toast";

export interface MountRequest {
  remotePath: string;
  name?: string;
  password?: string;
}

/** The mount form an error page goes back to: with the password field, or to change the path or name. */
export type FormFor = (host: HostEntry, request: MountRequest, askPassword: boolean) => ReactElement;

/** A server that refused the login but offers a password (or PAM's keyboard-interactive) takes one. */
function offersPassword(error: unknown): boolean {
  return (
    isSshmountError(error) &&
    error.kind === "auth-failed" &&
    (error.facts.authMethods ?? []).some((method) => method === "password" || method === "keyboard-interactive")
  );
}

/** The fingerprint in a confirm dialog: nothing is trusted unless the user compared it and said so. */
function confirmTrust(host: HostEntry, hostKey: PresentedHostKey): Promise<boolean> {
  const owner = hostKey.jumpHost ? `the jump host ${hostKey.jumpHost}` : host.alias;
  return confirmAlert({
    title: `Trust the Host Key of ${owner}?`,
    message: `${hostKey.host} presents\n${hostKey.type} ${hostKey.fingerprint}\n\nCompare it with the server's own key before you trust it. It will be added to your known_hosts.`,
    primaryAction: { title: "Trust and Mount" },
  });
}

/**
 * Mounting as the user sees it: an Animated toast whose title follows the helper's real steps, then
 * Finder, then a success page; on failure the fix: a confirm dialog for an unknown host key, a password
 * field for a host that takes one, an error page with actions for the rest.
 *
 * Raycast unloads a view command when the user goes back to root search: every run still under way is
 * aborted then, so the helper removes its half-made container at once, and nothing is shown afterwards.
 * A mount that was already finished stays, and is remembered for Open Last Mount.
 */
export function useMountFlow(onNeedsPassword: (host: HostEntry, request: MountRequest) => void, formFor: FormFor) {
  const { push } = useNavigation();
  const runs = useRef(new Set<AbortController>());
  const unloaded = useRef(false);
  useEffect(() => {
    const active = runs.current;
    return () => {
      unloaded.current = true;
      active.forEach((controller) => controller.abort());
    };
  }, []);

  const run = useCallback(
    async function run(host: HostEntry, request: MountRequest, trustHostKeys: string[] = []): Promise<void> {
      // A retry after a dialog the user answered on the way out: nothing left to show it in.
      if (unloaded.current) return;
      const controller = new AbortController();
      const left = () => controller.signal.aborted;
      runs.current.add(controller);
      const toast = await showToast({ style: Toast.Style.Animated, title: "Checking Docker" });
      const { openFinder, metadataStore } = preferences();
      try {
        const mounted = await mount(host.alias, request.remotePath, {
          ...helperOptions(),
          name: request.name || undefined,
          password: request.password || undefined,
          trustHostKeys,
          metadata: metadataStore,
          signal: controller.signal,
          onProgress: (progress) => {
            if (!left())
              Object.assign(toast, progressToast(progress, openFinder ? "Opening Finder" : `Mounted ${host.alias}`));
          },
        });
        await rememberLastMount(mounted.name);
        await rememberRecentPath(host.alias, mounted.remotePath);
        if (left()) return;
        let finderError: ErrorDescription | undefined;
        if (openFinder) {
          finderError = await openMount(mounted.name).then(
            () => undefined,
            (error: unknown) => describeError(error, "raycast"),
          );
          if (left()) return;
        }
        toast.title = finderError ? `Mounted ${host.alias}; Finder could not open it` : `Mounted ${host.alias}`;
        toast.message = finderError ? finderError.message : mounted.smb.url;
        toast.style = finderError ? Toast.Style.Failure : Toast.Style.Success;
        toast.primaryAction = {
          title: finderError ? "Open Again" : "Open in Finder",
          onAction: () => openMountWithToast(mounted.name),
        };
        toast.secondaryAction = { title: "Copy SMB URL", onAction: () => Clipboard.copy(mounted.smb.url) };
        push(<MountedView mount={mounted} finderError={finderError} />);
      } catch (error) {
        // Left mid-mount (the form popped, or the command unloaded): the helper removed the container; the
        // spinning toast goes with it.
        if (left()) return void (await toast.hide());
        const description = failToast(toast, error);
        const trust = async (hostKey: PresentedHostKey): Promise<boolean> => {
          if (!(await confirmTrust(host, hostKey))) return false;
          await run(host, request, [...trustHostKeys, hostKey.fingerprint]);
          return true;
        };
        if (description.kind === "host-key-unknown" && description.hostKey) {
          if (await trust(description.hostKey)) return;
        } else if (offersPassword(error) && !request.password) {
          await rememberNeedsPassword(host.alias);
          toast.title = `${host.alias} Needs a Password`;
          toast.message = "Enter it in the form and mount again.";
          onNeedsPassword(host, request);
          return;
        }
        push(
          <ErrorView
            error={description}
            onRetry={() => run(host, request, trustHostKeys)}
            onTrustHostKey={trust}
            onEnterPassword={() => push(formFor(host, request, true))}
            onEditMount={() => push(formFor(host, request, false))}
          />,
        );
      } finally {
        runs.current.delete(controller);
      }
    },
    [push, onNeedsPassword, formFor],
  );
  return run;
}
