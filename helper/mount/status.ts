export type MountStatus = "starting" | "ready" | "reconnecting" | "error" | "stopped";

/** The lines assets/container/entrypoint.sh prints about itself; everything else in the log is smbd's. */
const LOG_PREFIX = "sshmount: ";

export type EntrypointEvent =
  | { type: "connecting" }
  | { type: "ready" }
  | { type: "reconnecting" }
  | { type: "stopped" }
  | { type: "ssh"; text: string }
  | { type: "error"; text: string };

function parseLogLine(line: string): EntrypointEvent | undefined {
  if (!line.startsWith(LOG_PREFIX)) return undefined;
  const body = line.slice(LOG_PREFIX.length);
  if (body === "connecting" || body === "ready" || body === "reconnecting" || body === "stopped") return { type: body };
  // "stopped: <reason>": stopped by itself, e.g. because the helper that created it went away.
  if (body.startsWith("stopped: ")) return { type: "stopped" };
  if (body.startsWith("ssh: ")) return { type: "ssh", text: body.slice(5) };
  if (body.startsWith("error: ")) return { type: "error", text: body.slice(7) };
  return undefined;
}

export function parseLog(text: string): EntrypointEvent[] {
  return text
    .split(/\r?\n/)
    .map(parseLogLine)
    .filter((event): event is EntrypointEvent => event !== undefined);
}

export interface ContainerState {
  Running?: boolean;
  Restarting?: boolean;
  Paused?: boolean;
  ExitCode?: number;
  Health?: { Status?: string };
}

/**
 * Docker is the source of truth: the container state says whether anything runs, the health check
 * whether the mount still answers, and the entrypoint's last word what it is doing right now.
 */
export function statusFrom(state: ContainerState, events: EntrypointEvent[]): MountStatus {
  if (state.Restarting) return "reconnecting";
  if (state.Paused) return "stopped";
  if (!state.Running) return state.ExitCode && state.ExitCode !== 0 ? "error" : "stopped";
  if (state.Health?.Status === "unhealthy") return "reconnecting";
  const last = [...events].reverse().find((event) => event.type !== "ssh");
  if (last?.type === "ready") return "ready";
  if (last?.type === "reconnecting") return "reconnecting";
  return "starting";
}

/** How many times the entrypoint has started connecting: one per container start. */
export function runCount(events: EntrypointEvent[]): number {
  return events.filter((event) => event.type === "connecting").length;
}

/** The events of the latest container start: logs keep every earlier start's lines too. */
export function latestRun(events: EntrypointEvent[]): EntrypointEvent[] {
  const start = events.map((event) => event.type).lastIndexOf("connecting");
  return start < 0 ? events : events.slice(start);
}
