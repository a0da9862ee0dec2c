import { Clipboard, environment, open, showHUD, showToast, Toast } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { describeError, type ErrorAction, type ErrorDescription, type MountProgress } from "../../helper";
import { checkSetup, showMounts } from "./launch";

/**
 * A fix a toast can carry by itself: a toast has room for one button and knows nothing of the screen
 * that raised it, so only the fixes that need no context qualify.
 */
function toastAction(action: ErrorAction): Toast.ActionOptions | undefined {
  switch (action.type) {
    case "open-settings":
      return { title: "Open System Settings", onAction: () => void open(action.pane.url) };
    case "copy-command":
      return { title: "Copy Command", onAction: () => void Clipboard.copy(action.command) };
    case "copy-url":
      return { title: "Copy SMB URL", onAction: () => void Clipboard.copy(action.url) };
    case "check-setup":
      return { title: "Check Setup", onAction: () => void checkSetup() };
    case "show-mounts":
      return { title: "Show Mounts", onAction: () => void showMounts() };
    default:
      return undefined;
  }
}

/**
 * Turns a toast into the failure's words and fix, the first fix it can carry as its button; returns
 * the description for the caller's next step.
 */
export function failToast(toast: Toast, error: unknown): ErrorDescription {
  const description = describeError(error, "raycast");
  toast.title = description.message;
  toast.message = description.hint;
  toast.style = Toast.Style.Failure;
  toast.primaryAction = description.actions.map(toastAction).find((action) => action !== undefined);
  return description;
}

/**
 * A failure where Raycast's window is closed (a hotkey, the menu bar): a toast there is a HUD that shows
 * its title only, so a setup problem (no engine, a missing program, an unreachable share), whose fix is
 * on a page, opens Check Setup instead; anything else is the HUD.
 */
export async function failWithoutWindow(error: unknown): Promise<void> {
  const description = describeError(error, "raycast");
  if (description.actions.some((action) => action.type === "open-engine" || action.type === "check-setup")) {
    await checkSetup();
    return;
  }
  await showFailureToast(error, { title: description.message, message: description.hint });
}

/**
 * Runs one change under an Animated toast that ends in `done` (or the words `done` finds for the result)
 * or in the error's words and fix. A menu-bar command has no window, where a toast falls back to a HUD
 * that cannot follow the work (developers.raycast.com, Toast): there only the end shows, as a HUD.
 */
export async function withToast<T>(
  title: string,
  done: string | ((result: T) => string),
  work: (toast?: Toast) => Promise<T>,
): Promise<void> {
  const words = (result: T) => (typeof done === "string" ? done : done(result));
  if (environment.commandMode === "menu-bar") {
    try {
      await showHUD(words(await work()));
    } catch (error) {
      await failWithoutWindow(error);
    }
    return;
  }
  const toast = await showToast({ style: Toast.Style.Animated, title });
  try {
    toast.title = words(await work(toast));
    toast.style = Toast.Style.Success;
  } catch (error) {
    failToast(toast, error);
  }
}

/**
 * What a toast that follows the helper's progress says for one event: the step's words and, while the
 * image builds, its Dockerfile step. At "ready" the mount stays whatever the user does now, and the
 * toast names what comes next instead.
 */
export function progressToast(progress: MountProgress, next: string): { title: string; message?: string } {
  return {
    title: progress.step === "ready" ? next : progress.message,
    message: progress.build ? `Step ${progress.build.current}/${progress.build.total}` : undefined,
  };
}
