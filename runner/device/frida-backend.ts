import type * as Frida from "frida";
import { PermtraceError } from "../../reports/errors.js";
import { PINNED_FRIDA } from "../../reports/version.js";
import type { AgentExports, ChildProcess, DetachReason, DeviceBackend, DeviceHandle, DeviceSelector, ScriptHandle, ScriptMessage, SessionHandle } from "./backend.js";

/** A device that cannot be reached or used, with what to do about it. */
export class DeviceError extends PermtraceError {}

export const FRIDA_MISSING_FIX = `frida (the Node binding, an optional dependency) is not installed: its install downloads a prebuilt binding, so run \`npm install frida@${PINNED_FRIDA || "<the version in package.json>"}\` on a machine with internet access, or copy node_modules/frida from one`;

/** Loads the optional `frida` package, or says exactly what is missing and how to get it. */
export async function loadFrida(): Promise<typeof Frida> {
  try {
    return (await import("frida")) as typeof Frida;
  } catch (err) {
    throw new DeviceError(`cannot load frida: ${(err as Error)?.message?.split("\n")[0] ?? String(err)}`, { where: "--device", fix: FRIDA_MISSING_FIX });
  }
}

class FridaScript implements ScriptHandle {
  constructor(private readonly script: Frida.Script) {}
  get exports(): AgentExports {
    return this.script.exports as unknown as AgentExports;
  }
  load(): Promise<void> {
    return this.script.load();
  }
  unload(): Promise<void> {
    return this.script.unload();
  }
  eternalize(): Promise<void> {
    return this.script.eternalize();
  }
  onMessage(handler: (message: ScriptMessage) => void): void {
    this.script.message.connect((message: Frida.Message) => {
      if (message.type === "send") handler({ type: "send", payload: message.payload });
      else handler({ type: "error", description: message.description, ...(message.stack ? { stack: message.stack } : {}) });
    });
  }
}

class FridaSession implements SessionHandle {
  constructor(
    private readonly session: Frida.Session,
    readonly pid: number,
  ) {}
  async createScript(source: string, name: string): Promise<ScriptHandle> {
    return new FridaScript(await this.session.createScript(source, { name }));
  }
  async compileScript(source: string, name: string): Promise<Uint8Array> {
    return await this.session.compileScript(source, { name });
  }
  async createScriptFromBytes(bytes: Uint8Array, name: string): Promise<ScriptHandle> {
    return new FridaScript(await this.session.createScriptFromBytes(Buffer.from(bytes), { name }));
  }
  detach(): Promise<void> {
    return this.session.detach();
  }
  onDetached(handler: (reason: DetachReason, crash: string | null) => void): void {
    this.session.detached.connect((reason: Frida.SessionDetachReason, crash: Frida.Crash | null) => {
      handler(reason as DetachReason, crash ? crash.summary : null);
    });
  }
}

class FridaDevice implements DeviceHandle {
  constructor(
    private readonly device: Frida.Device,
    readonly kind: "usb" | "remote",
    private readonly adbSerial?: string,
  ) {}
  get serial(): string {
    return this.adbSerial ?? this.device.id;
  }
  get id(): string {
    return this.device.id;
  }
  get name(): string {
    return this.device.name;
  }
  spawn(packageName: string): Promise<number> {
    return this.device.spawn(packageName);
  }
  async attach(pid: number): Promise<SessionHandle> {
    return new FridaSession(await this.device.attach(pid), pid);
  }
  resume(pid: number): Promise<void> {
    return this.device.resume(pid);
  }
  kill(pid: number): Promise<void> {
    return this.device.kill(pid);
  }
  onChildAdded(handler: (child: ChildProcess) => void): void {
    this.device.childAdded.connect((child: Frida.Child) =>
      // A forked child has no identifier, path or argv yet (frida gives null and []).
      handler({ pid: child.pid, parentPid: child.parentPid, identifier: child.identifier ?? child.path ?? `pid ${child.pid}`, origin: child.origin as ChildProcess["origin"], ...(child.path ? { path: child.path } : {}), ...(child.argv?.length ? { argv: child.argv } : {}) }),
    );
  }
  enableSpawnGating(): Promise<void> {
    return this.device.enableSpawnGating();
  }
  disableSpawnGating(): Promise<void> {
    return this.device.disableSpawnGating();
  }
  onSpawnAdded(handler: (spawn: { pid: number; identifier: string }) => void): void {
    this.device.spawnAdded.connect((spawn: Frida.Spawn) => handler({ pid: spawn.pid, identifier: spawn.identifier }));
  }
  onSpawnGatingDisabled(handler: (reason: string) => void): void {
    this.device.spawnGatingDisabled.connect((reason: Frida.SpawnGatingDisabledReason) => handler(String(reason)));
  }
}

/**
 * The first real exchange with frida-server: `addRemoteDevice` and `getDeviceById` do not talk to
 * it, so a frida-server of another major version would first show as Frida's raw "ensure that
 * major versions match" (frida-core lib/base/session.vala: a D-Bus UNKNOWN_METHOD becomes that
 * PROTOCOL error) when the app is spawned. Asking for the system parameters here turns it
 * into one line with the fix.
 */
async function checkServer(device: Frida.Device, what: string): Promise<void> {
  try {
    await device.querySystemParameters();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (/major version|incompatible|protocol/i.test(message)) {
      throw new DeviceError(`${what} runs a frida-server whose major version differs from the frida package's (${PINNED_FRIDA || "see package.json"}): ${message.split("\n")[0]}`, {
        where: "--device",
        fix: `run frida-server ${PINNED_FRIDA || "<the frida package's version>"} on the device (the same major version is enough; \`permtrace doctor\` shows both)`,
      });
    }
    throw err;
  }
}

/** Devices through frida: USB by serial (or the first USB device), or a remote frida-server. */
export class FridaBackend implements DeviceBackend {
  async open(selector: DeviceSelector): Promise<DeviceHandle> {
    const frida = await loadFrida();
    const manager = frida.getDeviceManager();
    try {
      if (selector.remote) {
        if (!selector.serial) throw new DeviceError("a remote frida-server needs the device's adb serial too", { where: "--device", fix: "write it as <adb-serial>@<host:port>" });
        const remote = await manager.addRemoteDevice(selector.remote);
        await checkServer(remote, `frida-server at ${selector.remote}`);
        return new FridaDevice(remote, "remote", selector.serial);
      }
      const device = selector.serial ? await manager.getDeviceById(selector.serial, 5000) : await frida.getUsbDevice({ timeout: 5000 });
      await checkServer(device, selector.serial ? `device ${selector.serial}` : "the USB device");
      return new FridaDevice(device, "usb");
    } catch (err) {
      if (err instanceof DeviceError) throw err;
      const what = selector.remote ? `frida-server at ${selector.remote}` : selector.serial ? `device ${selector.serial}` : "a USB device";
      throw new DeviceError(`cannot reach ${what}: ${(err as Error)?.message ?? String(err)}`, {
        where: "--device",
        fix: "check `adb devices`, that frida-server runs on the device as root and matches the frida package's version (`permtrace doctor`)",
      });
    }
  }
}
