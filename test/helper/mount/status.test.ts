import { describe, expect, it } from "@jest/globals";
import { latestRun, parseLog, runCount, statusFrom } from "../../../helper/mount/status";

const log = [
  "sshmount: connecting",
  "[2026/11/25 02:50:01.123456,  0] ../../source3/smbd/server.c:1741(main)",
  "sshmount: ssh: Warning: something",
  "sshmount: ready",
].join("\n");

describe("parseLog", () => {
  it("reads only the entrypoint's own lines", () => {
    expect(parseLog(log)).toEqual([
      { type: "connecting" },
      { type: "ssh", text: "Warning: something" },
      { type: "ready" },
    ]);
    expect(parseLog("sshmount: error: sshfs exited\nsshmount: bogus")).toEqual([
      { type: "error", text: "sshfs exited" },
    ]);
    expect(parseLog("sshmount: stopped: the process that created this mount went away before it was ready")).toEqual([
      { type: "stopped" },
    ]);
  });

  it("splits runs, because a restarted container keeps its earlier lines", () => {
    const events = parseLog(`${log}\nsshmount: stopped\nsshmount: connecting\nsshmount: ssh: Connection refused`);
    expect(runCount(events)).toBe(2);
    expect(latestRun(events)).toEqual([{ type: "connecting" }, { type: "ssh", text: "Connection refused" }]);
  });
});

describe("statusFrom", () => {
  const ready = parseLog(log);
  it.each([
    [{ Running: true }, ready, "ready"],
    [{ Running: true, Health: { Status: "starting" } }, ready, "ready"],
    [{ Running: true, Health: { Status: "unhealthy" } }, ready, "reconnecting"],
    [{ Running: true }, parseLog("sshmount: connecting"), "starting"],
    [{ Running: true }, [], "starting"],
    [{ Running: true }, parseLog(`${log}\nsshmount: reconnecting`), "reconnecting"],
    [{ Running: false, Restarting: true }, ready, "reconnecting"],
    [{ Running: false, ExitCode: 0 }, ready, "stopped"],
    [{ Running: false, ExitCode: 1 }, parseLog("sshmount: error: x"), "error"],
    [{ Running: true, Paused: true }, ready, "stopped"],
  ])("%j with the log gives %s", (state, events, expected) => {
    expect(statusFrom(state, events)).toBe(expected);
  });
});
