import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { useTempDir } from "../../temp-dir";

const entrypoint = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../assets/container/entrypoint.sh",
);

// /proc/net/route of a mount container on this project's Linux engine (Docker 20.10, network
// 192.168.208.0/20, gateway 192.168.208.1), as `docker exec … cat /proc/net/route` printed it.
const routes = [
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
  "eth0\t00000000\t01D0A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
  "eth0\t00D0A8C0\t00000000\t0001\t0\t0\t0\t00F0FFFF\t0\t0\t0",
].join("\n");

/** The entrypoint's own allowed_hosts (and its helpers), reading ROUTES instead of /proc/net/route. */
async function allowedHosts(dir: string, runtime: string | undefined): Promise<string> {
  const script = await fs.readFile(entrypoint, "utf8");
  const functions = /^ipv4_of_route_hex\(\) \{[\s\S]*?^allowed_hosts\(\) \{[\s\S]*?^\}$/m.exec(script)?.[0];
  expect(functions).toContain("</proc/net/route");
  const table = path.join(dir, "route");
  await fs.writeFile(table, `${routes}\n`);
  const env = { PATH: process.env.PATH, ROUTES: table, ...(runtime ? { SSHMOUNT_RUNTIME: runtime } : {}) };
  const result = await runCommand(
    "bash",
    ["-c", `${functions?.replace("</proc/net/route", '<"$ROUTES"')}\nallowed_hosts`],
    {
      env,
    },
  );
  expect(result.exitCode).toBe(0);
  return result.stdout.trim();
}

describe("smbd's hosts allow, as the entrypoint computes it", () => {
  const tempDir = useTempDir("hosts-allow");

  it("admits the subnet's last address, where OrbStack puts the Mac, only on OrbStack", async () => {
    expect(await allowedHosts(tempDir(), "orbstack")).toBe("127.0.0.1 192.168.208.1 192.168.223.254");
  });

  it.each(["linux", "docker-desktop", "colima", "other", undefined])(
    "on %s admits loopback and the gateway only",
    async (runtime) => {
      expect(await allowedHosts(tempDir(), runtime)).toBe("127.0.0.1 192.168.208.1");
    },
  );
});
