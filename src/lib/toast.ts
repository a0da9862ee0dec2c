import { showToast, Toast } from "@raycast/api";
import { describeError, type ErrorDescription } from "../../helper";

/** Turns a toast into the failure's words and fix; returns them for the caller's next step. */
export function failToast(toast: Toast, error: unknown): ErrorDescription {
  const description = describeError(error, "raycast");
  toast.title = description.message;
  toast.message = description.hint;
  toast.style = Toast.Style.Failure;
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
