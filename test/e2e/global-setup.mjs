import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * End-to-end tests need a real engine and smbclient. Without them they fail, loudly, with the fix: a
 * skipped e2e suite would report green on a machine where nothing was proven. The CLI is rebuilt so
 * the tests run the code in this tree, and asked (`doctor`) for the engine as a user's run would find it.
 */
export default async function globalSetup() {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { cwd: root, stdio: "inherit" });
  let report;
  try {
    report = JSON.parse(
      execFileSync(process.execPath, ["bin/sshmount.mjs", "doctor", "--json"], { cwd: root, encoding: "utf8" }),
    );
  } catch (error) {
    report = JSON.parse(error.stdout || "{}");
  }
  if (!report.docker?.ok) {
    throw new Error(
      `End-to-end tests need a Docker engine and none answers (${report.docker?.error?.message ?? "doctor failed"}). ` +
        "Start one with ../shared/ci/docker-engine.sh (Debian) or start OrbStack / Docker Desktop.",
    );
  }
  try {
    execFileSync("smbclient", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("End-to-end tests need smbclient: apt-get install -y smbclient (.ci/run installs it).");
  }
}
