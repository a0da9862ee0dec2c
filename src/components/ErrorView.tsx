import type { ReactNode } from "react";
import { Detail } from "@raycast/api";
import type { ErrorDescription } from "../../helper";
import { ErrorActions } from "./ErrorActions";

/** A failure as a page: what happened, what to do, ssh's own words, and the fix as actions. */
export function ErrorView({
  error,
  onRetry,
  extra,
}: {
  error: ErrorDescription;
  onRetry?: () => void;
  extra?: ReactNode;
}) {
  const markdown = [`# ${error.message.split(": ")[0]}`, error.hint, "```", error.message, "```"].join("\n\n");
  return <Detail markdown={markdown} actions={<ErrorActions error={error} onRetry={onRetry} extra={extra} />} />;
}
