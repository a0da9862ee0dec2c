import { Clipboard, open, showToast, Toast } from "@raycast/api";
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

/** Runs one change under an Animated toast that ends in `done` or in the error's words and fix. */
export async function withToast(title: string, done: string, work: (toast: Toast) => Promise<unknown>): Promise<void> {
  const toast = await showToast({ style: Toast.Style.Animated, title });
  try {
    await work(toast);
    toast.title = done;
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
