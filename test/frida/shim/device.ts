/**
 * The shim's Device and Child over the relay (see frida.ts).
 *
 * Spawn gating is never forwarded: since frida-core 17.9 spawn gating on Linux is an eBPF gater
 * that stops every execve on the whole machine (the CI machine is shared). The shim answers as
 * the local Linux device of frida-core before 17.9 did — `enableSpawnGating` and
 * `disableSpawnGating` reject with frida's "Not yet supported on this OS" (frida/frida-core
 * src/linux/linux-host-session.vala, LinuxHostSession.enable_spawn_gating, non-Android) — so the
 * runner takes its path for devices without spawn gating; `spawnAdded` and `spawnGatingDisabled`
 * therefore never fire.
 */
import type * as Frida from "frida";
import { launcherFor, type Launched } from "./launchers.js";
import type { RelayClient, RelayEvent } from "./relay-client.js";
import { ShimSession } from "./session.js";
import { Signal } from "./signal.js";

type DeviceUsed = Pick<
  Frida.Device,
  "id" | "name" | "spawn" | "attach" | "resume" | "kill" | "input" | "querySystemParameters" | "enableSpawnGating" | "disableSpawnGating" | "childAdded" | "spawnAdded" | "spawnGatingDisabled" | "output"
>;
type ChildUsed = Pick<Frida.Child, "pid" | "parentPid" | "origin" | "identifier" | "path" | "argv" | "envp">;

export interface DeviceInfo {
  readonly handle: number;
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

export class ShimChild implements ChildUsed {
  readonly pid: number;
  readonly parentPid: number;
  readonly origin: Frida.ChildOrigin;
  readonly identifier: string;
  readonly path: string;
  readonly argv: string[];
  readonly envp: string[];
  constructor(c: { pid: number; parentPid: number; origin: string; identifier: string; path: string; argv: string[]; envp: string[] }) {
    this.pid = c.pid;
    this.parentPid = c.parentPid;
    this.origin = c.origin as Frida.ChildOrigin;
    this.identifier = c.identifier;
    this.path = c.path;
    this.argv = c.argv;
    this.envp = c.envp;
  }
}

/** What a device without spawn gating answers (frida-core's Error.NOT_SUPPORTED). */
function notSupported(): Error {
  const err = new Error("Not yet supported on this OS");
  err.name = "NotSupportedError";
  return err;
}

export class ShimDevice implements DeviceUsed {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly childAdded = new Signal<Frida.ChildAddedHandler>();
  readonly spawnAdded = new Signal<Frida.SpawnAddedHandler>();
  readonly spawnGatingDisabled = new Signal<Frida.SpawnGatingDisabledHandler>();
  readonly output = new Signal<Frida.OutputHandler>();
  /** Processes a registered launcher started: their resume is the launcher's, not frida's. */
  private readonly launched = new Map<number, Launched>();

  constructor(
    private readonly relay: RelayClient,
    private readonly info: DeviceInfo,
  ) {
    this.id = info.id;
    this.name = info.name;
    this.type = info.type;
    relay.listen(`device:${info.handle}`, (ev) => this.onEvent(ev));
  }

  async spawn(programOrArgv: string | string[], opts?: Frida.SpawnOptions): Promise<number> {
    const program = typeof programOrArgv === "string" ? programOrArgv : programOrArgv[0]!;
    const launcher = launcherFor(program);
    if (launcher) {
      const started = await launcher();
      this.launched.set(started.pid, started);
      return started.pid;
    }
    const argv = typeof programOrArgv === "string" ? opts?.argv : programOrArgv;
    return this.relay.request<number>("spawn", { device: this.info.handle, program, argv });
  }

  async resume(target: Frida.TargetProcess): Promise<void> {
    const pid = this.pidOf(target);
    const started = this.launched.get(pid);
    if (started) {
      this.launched.delete(pid);
      return started.resume();
    }
    await this.relay.request("resume", { device: this.info.handle, pid });
  }

  async kill(target: Frida.TargetProcess): Promise<void> {
    const pid = this.pidOf(target);
    this.launched.delete(pid);
    await this.relay.request("kill", { device: this.info.handle, pid });
  }

  async input(target: Frida.TargetProcess, data: Buffer): Promise<void> {
    await this.relay.request("input", { device: this.info.handle, pid: this.pidOf(target), data: data.toString("base64") });
  }

  async attach(target: Frida.TargetProcess): Promise<Frida.Session> {
    const pid = this.pidOf(target);
    const r = await this.relay.request<{ handle: number }>("attach", { device: this.info.handle, pid });
    // ShimSession implements the members of Frida.Session the runner uses (checked against
    // frida's own frida.d.ts by scripts/check-frida-types.sh).
    return new ShimSession(this.relay, r.handle, pid) as unknown as Frida.Session;
  }

  querySystemParameters(): Promise<Frida.SystemParameters> {
    return this.relay.request<Frida.SystemParameters>("query_system_parameters", { device: this.info.handle });
  }

  /** Never forwarded (see the file's comment): answers as a device without spawn gating. */
  enableSpawnGating(): Promise<void> {
    return Promise.reject(notSupported());
  }

  /** Never forwarded either: a device without spawn gating rejects this too. */
  disableSpawnGating(): Promise<void> {
    return Promise.reject(notSupported());
  }

  private pidOf(target: Frida.TargetProcess): number {
    if (typeof target === "number") return target;
    throw new Error("frida shim: only pids are supported as targets");
  }

  private onEvent(ev: RelayEvent): void {
    if (ev.event === "child-added") this.childAdded.emit(new ShimChild(ev.child as ConstructorParameters<typeof ShimChild>[0]) as unknown as Frida.Child);
    else if (ev.event === "output") this.output.emit(ev.pid as number, ev.fd as number, Buffer.from(String(ev.data), "base64"));
  }
}
