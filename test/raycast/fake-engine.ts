/**
 * A stand-in for the Docker engine, injected as the helper's dockerClient: in memory, its mount
 * containers speak the entrypoint's log protocol (assets/container/entrypoint.sh) as a scripted server
 * would answer. The helper above it is the real one: it resolves hosts with the real ssh -G, builds the
 * real input files and parses these logs as it parses a real container's.
 */
import { PassThrough, Readable } from "node:stream";
import type Docker from "dockerode";
import { createTar, readTar } from "../../helper/docker/archive";
import type { DockerClient } from "../../helper/docker/engine";

/** What the scripted server does when a mount container starts; `files` are the container's inputs. */
type Behaviour = (files: Map<string, Buffer>) => { lines: string[]; exitCode?: number };

/** A server that refuses the login, offering `methods`: what the entrypoint logs when ssh is turned away. */
export function refusedLogin(login: string, methods = "publickey"): Behaviour {
  const denied = `${login}: Permission denied (${methods}).`;
  return () => ({
    lines: ["sshmount: connecting", `sshmount: ssh: ${denied}`, `sshmount: error: mount failed: ${denied}`],
    exitCode: 1,
  });
}

/** The create request as the helper sent it (dockerode's ContainerCreateOptions, the parts the helper sets). */
interface CreateRequest {
  name?: string;
  Image?: string;
  Labels?: Record<string, string>;
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  ExposedPorts?: Record<string, object>;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  HostConfig?: {
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[]>;
    CapAdd?: string[];
    CapDrop?: string[];
    Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions?: string }[];
    Privileged?: boolean;
    SecurityOpt?: string[];
    RestartPolicy?: { Name: string; MaximumRetryCount?: number };
    Binds?: string[];
    NetworkMode?: string;
    LogConfig?: { Type: string; Config?: Record<string, string> };
  };
  NetworkingConfig?: { EndpointsConfig?: Record<string, { IPAMConfig?: { IPv4Address?: string } }> };
}

/** The fixed address a create request asked for on the mount network. */
const fixedAddressOf = (request: CreateRequest) =>
  Object.values(request.NetworkingConfig?.EndpointsConfig ?? {})[0]?.IPAMConfig?.IPv4Address;

export interface FakeContainerRecord {
  id: string;
  /** Everything the helper asked for at create time; inspect and the container list answer from it. */
  request: CreateRequest;
  name: string;
  labels: Record<string, string>;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  files: Map<string, Buffer>;
  /** The permission bits each file had in the archive the helper put there. */
  modes: Map<string, number>;
  running: boolean;
  /** Started at least once: Docker lists a container never started as "created". */
  started: boolean;
  exitCode: number;
  log: string;
  healthy: boolean;
  /** From the create request, then as `update` changed it. */
  restartPolicy: string;
  /** Unix seconds, as Docker's container list gives them. */
  created: number;
  /** Created with OpenStdin and StdinOnce: the engine closes its stdin when the attach connection closes. */
  openStdin: boolean;
  /** Another client's `docker rm` is under way: Docker answers logs with a 409 until the container is gone. */
  removing?: boolean;
}

/** One test's engine: what it holds and how its scripted servers answer; `client` is its dockerode. */
export class FakeEngine {
  /** When set, the engine does not answer (ping fails with this message). */
  down?: string;
  containers = new Map<string, FakeContainerRecord>();
  /** Per ssh alias (label sshmount.alias): what its server answers. Unknown aliases mount fine. */
  behaviours = new Map<string, Behaviour>();
  /** Image tags the engine has; undefined: every image is there (nothing to build). */
  images?: Set<string>;
  /** The "hostkey BLOCK LINE" a host-key scan container writes to its result file; none: every key is known. */
  hostKeyScan?: string;
  /** The next N starts fail as Docker's do when another program took the published port meanwhile. */
  portConflicts?: number;
  created = 0;
  /**
   * The address every mount container has on the network. A test in which the helper probes it (Check
   * Setup's port 445 probe) sets a loopback one, so no packet leaves this machine.
   */
  containerIp = "172.30.0.5";
  /**
   * The mount network's IPv4 subnet as its inspect reports it; none: the network reports no IPAM
   * config. `subnetChosenByEngine`: the engine picked it, so it refuses a fixed address on it, as
   * Docker does for a network created without a subnet of the user's.
   */
  subnet?: string;
  subnetChosenByEngine = false;
  /** How often the container list was asked for: each mount and list sweeps what others left behind. */
  listed = 0;
  /** How often a container was inspected, and its log read: a list's cost per mount. */
  inspected = 0;
  logsRead = 0;
  /** Attach connections to a container's stdin that are still open. */
  attached = 0;
  /** The dockerode options of every client the helper made, in order. */
  clients: Docker.DockerOptions[] = [];

  /** The helper's dockerClient option: each client it makes talks to this engine. */
  client: DockerClient = (options) => {
    this.clients.push(options);
    // The helper types its client as dockerode; this one has the part of dockerode the helper uses.
    return new FakeDocker(this) as unknown as Docker;
  };

  /** The loopback port a mount's container publishes, as the helper chose it. */
  publishedPort(mountName: string): string {
    const record = [...this.containers.values()].find((each) => each.labels["sshmount.name"] === mountName);
    if (!record) throw new Error(`no mount container named ${mountName}`);
    return smbBinding(record)?.HostPort ?? "";
  }
}

/** The SMB port binding the helper asked for at create time, if any. */
function smbBinding(record: FakeContainerRecord): { HostIp?: string; HostPort?: string } | undefined {
  return record.request.HostConfig?.PortBindings?.["445/tcp"]?.[0];
}

function state(record: FakeContainerRecord): string {
  return record.running ? "running" : record.started ? "exited" : "created";
}

/** Docker binds every address when a port binding names none. */
const boundIp = (binding: { HostIp?: string }) => binding.HostIp || "0.0.0.0";

/** The permission bits of each regular file in a tar stream (ustar: octal at offset 100). */
function tarModes(archive: Buffer): Map<string, number> {
  const modes = new Map<string, number>();
  for (let offset = 0; offset + 512 <= archive.length;) {
    const block = archive.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) break;
    const name = block.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    modes.set(name, parseInt(block.toString("ascii", 100, 108).replace(/\0.*$/s, "").trim(), 8));
    const size = parseInt(block.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return modes;
}

function notFound(): Error {
  return Object.assign(new Error("no such container"), { statusCode: 404 });
}

/** Docker's multiplexed log stream: an 8-byte header (stream 1, big-endian size) per chunk. */
function frames(text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

const ready: Behaviour = () => ({ lines: ["sshmount: connecting", "sshmount: ready"] });

class FakeContainer {
  constructor(
    private readonly engine: FakeEngine,
    readonly id: string,
  ) {}

  private get record(): FakeContainerRecord {
    const { containers } = this.engine;
    const record = containers.get(this.id) ?? [...containers.values()].find((c) => c.name === this.id);
    if (!record) throw notFound();
    return record;
  }

  async inspect() {
    const record = this.record;
    this.engine.inspected += 1;
    return {
      Id: record.id,
      Name: `/${record.name}`,
      Created: new Date(0).toISOString(),
      Config: {
        Image: record.request.Image,
        Labels: record.labels,
        Env: record.env,
        Cmd: record.cmd,
        Entrypoint: record.entrypoint,
        ExposedPorts: record.request.ExposedPorts,
      },
      HostConfig: { ...record.request.HostConfig, RestartPolicy: { Name: record.restartPolicy } },
      State: {
        Running: record.running,
        Restarting: false,
        Paused: false,
        ExitCode: record.exitCode,
        Status: record.removing ? "removing" : state(record),
        ...(record.running ? { Health: { Status: record.healthy ? "healthy" : "unhealthy" } } : {}),
      },
      NetworkSettings: {
        Networks: {
          sshmount: {
            IPAddress: fixedAddressOf(record.request) ?? this.engine.containerIp,
            IPAMConfig: { IPv4Address: fixedAddressOf(record.request) },
          },
        },
        Ports: Object.fromEntries(
          Object.entries(record.request.HostConfig?.PortBindings ?? {}).map(([port, bindings]) => [
            port,
            bindings.map((binding) => ({ HostIp: boundIp(binding), HostPort: binding.HostPort ?? "" })),
          ]),
        ),
      },
    };
  }

  async logs(options: { tail?: number } = {}) {
    this.engine.logsRead += 1;
    if (this.record.removing) {
      // Docker's words for it (daemon/logs.go).
      const message = "can not get logs from container which is dead or marked for removal";
      throw Object.assign(new Error(`(HTTP code 409) unexpected - ${message}`), { statusCode: 409 });
    }
    // Docker's tail: the last N lines of the log.
    const lines = this.record.log.split(/(?<=\n)/);
    return frames(options.tail ? lines.slice(-options.tail).join("") : this.record.log);
  }

  async putArchive(archive: Buffer, options: { path: string }) {
    for (const [name, content] of readTar(archive)) this.record.files.set(`${options.path}/${name}`, content);
    for (const [name, mode] of tarModes(archive)) this.record.modes.set(`${options.path}/${name}`, mode);
  }

  async getArchive(options: { path: string }) {
    const content = this.record.files.get(options.path);
    if (!content) throw notFound();
    return Readable.from([createTar([{ path: options.path.split("/").pop() as string, mode: 0o600, content }])]);
  }

  /**
   * A hijacked stdin attach. Closing it is EOF on the container's stdin, at which the entrypoint of a
   * first run that has not said "ready" stops (assets/container/entrypoint.sh).
   */
  async attach(options: { stream?: boolean; stdin?: boolean; hijack?: boolean }) {
    const record = this.record;
    if (!options.stream || !options.stdin || !options.hijack || !record.openStdin) {
      throw new Error("the fake engine models only a hijacked stdin attach of a container with OpenStdin");
    }
    const state = this.engine;
    state.attached += 1;
    const socket = Object.assign(new PassThrough(), { unref: () => socket });
    socket.once("close", () => {
      state.attached -= 1;
      const current = state.containers.get(record.id);
      // The entrypoint marks its first "ready" in the container's own files and never watches again.
      if (!current?.running || /^sshmount: ready$/m.test(current.log)) return;
      current.log += "sshmount: stopped: the process that created this mount went away before it was ready\n";
      current.running = false;
      current.exitCode = 0;
    });
    return socket;
  }

  async start() {
    const record = this.record;
    record.started = true;
    if (record.entrypoint?.some((part) => part.includes("sshmount-hostkey"))) {
      const line = this.engine.hostKeyScan;
      record.files.set("/run/sshmount-hostkey", Buffer.from(line ? `${line}\n` : ""));
      if (!line) record.log += "sshmount: error: every host key of the connection is already known\n";
      record.exitCode = line ? 0 : 1;
      return;
    }
    const state = this.engine;
    if (state.portConflicts) {
      state.portConflicts -= 1;
      // moby's portallocator: ErrPortAlreadyAllocated.
      throw Object.assign(
        new Error(
          `(HTTP code 500) server error - driver failed programming external connectivity on endpoint ${record.name}: Bind for ${boundIp(smbBinding(record) ?? {})}:${smbBinding(record)?.HostPort} failed: port is already allocated`,
        ),
        { statusCode: 500 },
      );
    }
    const behaviour = state.behaviours.get(record.labels["sshmount.alias"]) ?? ready;
    const { lines, exitCode } = behaviour(record.files);
    record.log += lines.map((line) => `${line}\n`).join("");
    record.running = exitCode === undefined;
    record.exitCode = exitCode ?? 0;
  }

  async stop() {
    const record = this.record;
    if (!record.running) throw Object.assign(new Error("not running"), { statusCode: 304 });
    record.running = false;
    record.log += "sshmount: stopped\n";
  }

  async restart() {
    const record = this.record;
    if (record.running) await this.stop();
    await this.start();
  }

  async update(options: { RestartPolicy?: { Name: string } }) {
    if (options.RestartPolicy) this.record.restartPolicy = options.RestartPolicy.Name;
    return {};
  }

  async wait() {
    return { StatusCode: this.record.exitCode };
  }

  async remove() {
    const record = this.record;
    this.engine.containers.delete(record.id);
  }
}

/** What `docker build` streams for the mount image, one JSON event per line, as the engine sends them. */
const buildEvents = [
  { stream: "Step 1/3 : FROM debian:bookworm-slim\n" },
  { stream: "Step 2/3 : RUN apt-get install sshfs samba\n" },
  { stream: "Step 3/3 : ENTRYPOINT sshmount-entrypoint\n" },
  { stream: "Successfully built 0123456789ab\n" },
];

/** The dockerode surface the helper uses, over one FakeEngine. */
class FakeDocker {
  modem = {
    followProgress: (
      stream: NodeJS.ReadableStream,
      done: (error: Error | null, events: object[]) => void,
      progress: (event: object) => void,
    ) => {
      const events: object[] = [];
      let text = "";
      stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
      stream.on("end", () => {
        for (const line of text.split("\n").filter(Boolean)) {
          const event = JSON.parse(line);
          events.push(event);
          progress(event);
        }
        done(null, events);
      });
    },
  };

  constructor(private readonly engine: FakeEngine) {}

  async ping() {
    if (this.engine.down) throw new Error(this.engine.down);
    return "OK";
  }

  /** Docker Desktop's `GET /info` as far as the helper reads it (docker info prints the same fields). */
  async info() {
    await this.ping();
    return { ServerVersion: "28.3.2", OperatingSystem: "Docker Desktop", Name: "docker-desktop" };
  }

  async listContainers(options: { filters?: { label?: string[] } } = {}) {
    this.engine.listed += 1;
    const wanted = options.filters?.label ?? [];
    return [...this.engine.containers.values()]
      .filter((record) =>
        wanted.every((filter) => {
          const [key, value] = filter.split("=");
          return value === undefined ? key in record.labels : record.labels[key] === value;
        }),
      )
      .map((record) => ({
        Id: record.id,
        Names: [`/${record.name}`],
        Labels: record.labels,
        Created: record.created,
        State: state(record),
        // Docker's words in a list entry, as `docker ps` shows them (docker/cli#6913 parses the same).
        Status: record.running
          ? `Up 5 minutes (${record.healthy ? "healthy" : "unhealthy"})`
          : `Exited (${record.exitCode}) 1 minute ago`,
        Ports: Object.entries(record.request.HostConfig?.PortBindings ?? {}).flatMap(([port, bindings]) =>
          bindings.map((binding) => ({
            IP: boundIp(binding),
            PrivatePort: Number(port.split("/")[0]),
            PublicPort: Number(binding.HostPort),
            Type: port.split("/")[1] ?? "tcp",
          })),
        ),
        NetworkSettings: { Networks: { sshmount: { IPAddress: this.engine.containerIp } } },
      }));
  }

  getContainer(id: string) {
    return new FakeContainer(this.engine, id);
  }

  async createContainer(options: CreateRequest) {
    const state = this.engine;
    if (fixedAddressOf(options) && state.subnetChosenByEngine) {
      // Docker's words for it (moby runconfig, ErrUnsupportedNetworkNoSubnetAndIP).
      throw Object.assign(
        new Error(
          "user specified IP address is supported only when connecting to networks with user configured subnets",
        ),
        { statusCode: 400 },
      );
    }
    const name = options.name ?? `scan-${state.created}`;
    if ([...state.containers.values()].some((record) => record.name === name)) {
      throw Object.assign(new Error("name in use"), { statusCode: 409 });
    }
    state.created += 1;
    const id = `fake${String(state.created).padStart(8, "0")}`;
    state.containers.set(id, {
      id,
      request: structuredClone(options),
      name,
      labels: options.Labels ?? {},
      env: options.Env ?? [],
      cmd: options.Cmd,
      entrypoint: options.Entrypoint,
      files: new Map(),
      modes: new Map(),
      running: false,
      started: false,
      exitCode: 0,
      log: "",
      healthy: true,
      restartPolicy: options.HostConfig?.RestartPolicy?.Name ?? "no",
      created: Math.floor(Date.now() / 1000),
      openStdin: Boolean(options.OpenStdin && options.StdinOnce),
    });
    return new FakeContainer(this.engine, id);
  }

  getImage(tag: string) {
    const images = this.engine.images;
    return {
      inspect: async () => {
        if (images && !images.has(tag)) throw Object.assign(new Error("no such image"), { statusCode: 404 });
        return { Id: "sha256:fake" };
      },
      remove: async () => undefined,
    };
  }

  async buildImage(_context: unknown, options: { t: string }) {
    this.engine.images?.add(options.t);
    return Readable.from([buildEvents.map((event) => `${JSON.stringify(event)}\n`).join("")]);
  }

  async listImages() {
    return [];
  }

  getNetwork() {
    const { subnet, containers } = this.engine;
    // What `docker network inspect` reports: the subnet and gateway, and the running containers' addresses.
    const inspect = async () =>
      subnet
        ? {
            IPAM: { Config: [{ Subnet: subnet, Gateway: subnet.replace(/\.0\/\d+$/, ".1") }] },
            Containers: Object.fromEntries(
              [...containers.values()]
                .filter((record) => record.running && fixedAddressOf(record.request))
                .map((record) => [record.id, { IPv4Address: `${fixedAddressOf(record.request)}/24` }]),
            ),
          }
        : {};
    return { inspect, remove: async () => undefined, connect: async () => undefined };
  }

  async createNetwork() {
    return {};
  }
}
