import type { EngineEndpoint } from "./engine";

/** Which Docker product runs the engine: it decides whether a Mac can reach container IPs at all. */
export type EngineProduct = "orbstack" | "docker-desktop" | "colima" | "linux" | "other";

interface EngineFacts {
  platform: NodeJS.Platform;
  /** `docker info` OperatingSystem: "OrbStack", "Docker Desktop", "Ubuntu 24.04 LTS"… */
  operatingSystem?: string;
  /** `docker info` Name: "orbstack", "docker-desktop", "colima"… */
  name?: string;
  endpoint?: EngineEndpoint;
}

/**
 * Reads the product from what the engine says about itself and where its socket lives. "Docker Desktop"
 * is also what Windows and Linux installs report, so on those it is told apart by the platform.
 */
export function detectEngineProduct(facts: EngineFacts): EngineProduct {
  const os = facts.operatingSystem ?? "";
  const where = `${facts.endpoint?.context ?? ""} ${facts.endpoint?.host ?? ""} ${facts.name ?? ""}`.toLowerCase();
  if (/orbstack/i.test(os) || where.includes("orbstack")) return "orbstack";
  if (/docker desktop/i.test(os) || where.includes("desktop-linux")) return "docker-desktop";
  if (where.includes("colima")) return "colima";
  if (facts.platform === "linux") return "linux";
  return "other";
}

const words: Record<EngineProduct, string> = {
  orbstack: "OrbStack: routes container IPs to this Mac",
  "docker-desktop": "Docker Desktop: does not route container IPs (docker-mac-net-connect adds the routes)",
  colima: "Colima: container IPs stay inside its VM",
  linux: "a Docker engine on this Linux machine: container IPs are on-link",
  other: "an engine sshmount does not know: the route check decides",
};

export function describeEngineProduct(kind: EngineProduct): string {
  return words[kind];
}
