import type { NetworkInterfaceInfo } from "node:os";

/** How this machine reaches a container's IP, as its routing table says. */
export type RouteVia = "orbstack" | "docker-mac-net-connect" | "vpn" | "direct" | "none";

export interface RouteVerdict {
  /** The routing table sends the IP somewhere that can deliver it (a TCP probe still has to confirm). */
  reachable: boolean;
  via: RouteVia;
  /** The interface the route uses, when there is one. */
  interface?: string;
  /** What to do about it, in plain words; empty when nothing needs doing. */
  advice: string;
}

interface RouteCommandOutput {
  stdout: string;
  stderr: string;
}

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** docker-mac-net-connect gives its utun this address (peer 10.33.33.2); see its networkmanager. */
const CONNECTOR_ADDRESS = "10.33.33.1";

export const INSTALL_CONNECTOR = [
  "brew install chipmk/tap/docker-mac-net-connect",
  "sudo brew services start chipmk/tap/docker-mac-net-connect",
];

const noRouteAdvice = (ip: string) =>
  `This Mac has no route to the container network (${ip}); Docker Desktop does not route container IPs. ` +
  "Use OrbStack (https://orbstack.dev), which does, or give Docker Desktop routes with docker-mac-net-connect: " +
  `\`${INSTALL_CONNECTOR[0]}\`, then \`${INSTALL_CONNECTOR[1]}\`. Until then sshmount serves the share on a localhost port.`;

const vpnAdvice = (ip: string, iface: string) =>
  `The VPN interface ${iface} owns the route to ${ip}, so the container cannot be reached directly. Disconnect the VPN ` +
  "or exclude that range from it; until then sshmount serves the share on a localhost port.";

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function sameSubnet(ip: string, address: string, netmask: string): boolean {
  const [a, b, m] = [ipv4ToNumber(ip), ipv4ToNumber(address), ipv4ToNumber(netmask)];
  return a !== undefined && b !== undefined && m !== undefined && (a & m) >>> 0 === (b & m) >>> 0;
}

function ipv4Of(interfaces: Interfaces, name: string): NetworkInterfaceInfo[] {
  return (interfaces[name] ?? []).filter((info) => info.family === "IPv4");
}

/** `route -n get` prints "key: value" lines (Apple network_cmds, route.tproj/route.c print_getmsg). */
export function parseRouteGet(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const match = /^\s*([a-z ]+):\s*(.*)$/.exec(line);
    if (match) fields[match[1].trim()] = match[2].trim();
  }
  return fields;
}

function classifyDarwin(output: RouteCommandOutput, interfaces: Interfaces): RouteVerdict {
  const fields = parseRouteGet(output.stdout);
  const ip = fields["route to"] ?? "the container";
  const iface = fields.interface;
  // No route at all (stderr "not in table"), or only the default route: Docker Desktop without help.
  if (!fields["route to"] || !iface || fields.destination === "default") {
    return { reachable: false, via: "none", advice: noRouteAdvice(ip) };
  }
  if (/^utun\d+$/.test(iface) && ipv4Of(interfaces, iface).some((info) => info.address === CONNECTOR_ADDRESS)) {
    return { reachable: true, via: "docker-mac-net-connect", interface: iface, advice: "" };
  }
  if (/^(utun|ipsec|ppp|tun|tap|wg)\d*$/.test(iface) || fields.gateway) {
    return { reachable: false, via: "vpn", interface: iface, advice: vpnAdvice(ip, iface) };
  }
  // OrbStack's vmnet bridge: the Mac holds an address on the container's own subnet.
  if (
    /^bridge\d+$/.test(iface) &&
    ipv4Of(interfaces, iface).some((info) => sameSubnet(ip, info.address, info.netmask))
  ) {
    return { reachable: true, via: "orbstack", interface: iface, advice: "" };
  }
  return { reachable: true, via: "direct", interface: iface, advice: "" };
}

/** `ip route get IP` (iproute2): "IP [via GW] dev IFACE src SRC …", or an error on stderr. */
function classifyLinux(output: RouteCommandOutput): RouteVerdict {
  const line = output.stdout.split("\n")[0] ?? "";
  const ip = line.split(/\s+/)[0] || "the container";
  const iface = /\bdev (\S+)/.exec(line)?.[1];
  if (!iface || /^(unreachable|blackhole|prohibit)\b/.test(line)) {
    return {
      reachable: false,
      via: "none",
      advice: `This machine has no route to ${ip}; sshmount serves the share on a localhost port.`,
    };
  }
  if (/^(tun|wg|ppp|tap)\d*/.test(iface)) {
    return { reachable: false, via: "vpn", interface: iface, advice: vpnAdvice(ip, iface) };
  }
  if (/\bvia \S+/.test(line) && !/^(docker\d*|br-[0-9a-f]+)$/.test(iface)) {
    return {
      reachable: false,
      via: "none",
      interface: iface,
      advice: `${ip} is only reachable through the gateway on ${iface}; sshmount serves the share on a localhost port.`,
    };
  }
  return { reachable: true, via: "direct", interface: iface, advice: "" };
}

/**
 * What the routing table says about reaching a container IP: darwin reads `route -n get IP`, Linux
 * `ip route get IP`. `interfaces` is os.networkInterfaces(), which tells the connector's utun and
 * OrbStack's bridges from a VPN's. Pure, so every case is tested on fixtures.
 */
export function classifyRoute(
  platform: NodeJS.Platform,
  output: RouteCommandOutput,
  interfaces: Interfaces,
): RouteVerdict {
  return platform === "darwin" ? classifyDarwin(output, interfaces) : classifyLinux(output);
}

/** A route exists but port 445 did not answer: what usually breaks such a path. */
export function adviceWhenProbeFails(verdict: RouteVerdict, ip: string): string {
  const restart =
    verdict.via === "docker-mac-net-connect"
      ? "After a Docker Desktop update or with Resource Saver the tunnel dies: `sudo brew services restart chipmk/tap/docker-mac-net-connect`. "
      : "";
  return (
    `The route to ${ip} goes through ${verdict.interface ?? "an interface"}, but nothing answered on port 445. ${restart}` +
    "Docker Engine 28 and later also drop direct traffic to containers unless the network allows it: " +
    "remove the sshmount network (`docker network rm sshmount`, with no mounts) so it is created again with " +
    "gateway_mode_ipv4=nat-unprotected. Until then sshmount serves the share on a localhost port."
  );
}
