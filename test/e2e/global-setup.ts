import { execFileSync } from "node:child_process";
import { connectEngine } from "../../helper/docker/engine";

/**
 * End-to-end tests need a real engine and smbclient. Without them they fail, loudly, with the fix:
 * a skipped e2e suite would report green on a machine where nothing was proven.
 */
export default async function globalSetup(): Promise<void> {
  try {
    await connectEngine();
  } catch (error) {
    throw new Error(
      `End-to-end tests need a Docker engine and none answers (${(error as Error).message}). ` +
        "Start one with ../shared/ci/docker-engine.sh (Debian) or start OrbStack / Docker Desktop.",
    );
  }
  try {
    execFileSync("smbclient", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("End-to-end tests need smbclient: apt-get install -y smbclient (.ci/run installs it).");
  }
}
