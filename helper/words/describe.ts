/** Errors as each client shows them: the words and fixes of helper/words/cli.ts and raycast.ts, in one shape. */
import { fromSystemError, isSshmountError, SshmountError, type ErrorKind, type PresentedHostKey } from "../errors";
import { cliHint } from "./cli";
import { raycastAdvice, type ErrorAction } from "./raycast";

/** Who reads the words: a terminal (flags and verbs of the CLI) or Raycast (actions to press). */
export type ErrorClient = "cli" | "raycast";

export interface ErrorDescription {
  kind: ErrorKind;
  /** What went wrong, in our words. */
  title: string;
  /** The exact text ssh, sshfs or Docker printed, when it adds to the title. */
  detail?: string;
  /** The title and the detail in one line, for a toast or a terminal. */
  message: string;
  hint: string;
  /** Raycast's buttons, in order of use; empty for the CLI, whose hint names the flags and verbs. */
  actions: ErrorAction[];
  /** For host-key-unknown: what a confirm dialog shows before trusting it. */
  hostKey?: PresentedHostKey;
}

/**
 * The one place errors become user words, for the client that shows them (the CLI unless told). Anything
 * that is not ours (nor a file or program error Node raised) is reported as internal.
 */
export function describeError(error: unknown, client: ErrorClient = "cli"): ErrorDescription {
  const ours = isSshmountError(error)
    ? error
    : (fromSystemError(error) ?? new SshmountError("internal", error instanceof Error ? error.message : String(error)));
  const printed = ours.facts.detail;
  const detail = printed && !ours.message.includes(printed) ? printed : undefined;
  const advice = client === "raycast" ? raycastAdvice[ours.kind](ours) : { hint: cliHint(ours), actions: [] };
  return {
    kind: ours.kind,
    title: ours.message,
    ...(detail ? { detail } : {}),
    message: detail ? `${ours.message}: ${detail}` : ours.message,
    ...advice,
    ...(ours.facts.hostKey ? { hostKey: ours.facts.hostKey } : {}),
  };
}
