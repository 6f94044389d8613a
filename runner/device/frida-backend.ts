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
  enableChildGating(): Promise<void> {
    return this.session.enableChildGating();
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
    this.device.childAdded.connect((child: Frida.Child) => handler({ pid: child.pid, parentPid: child.parentPid, identifier: child.identifier }));
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
}

/** Devices through frida: USB by serial (or the first USB device), or a remote frida-server. */
export class FridaBackend implements DeviceBackend {
  async open(selector: DeviceSelector): Promise<DeviceHandle> {
    const frida = await loadFrida();
    const manager = frida.getDeviceManager();
    try {
      if (selector.remote) {
        if (!selector.serial) throw new DeviceError("a remote frida-server needs the device's adb serial too", { where: "--device", fix: "write it as <adb-serial>@<host:port>" });
        return new FridaDevice(await manager.addRemoteDevice(selector.remote), "remote", selector.serial);
      }
      if (selector.serial) return new FridaDevice(await manager.getDeviceById(selector.serial, 5000), "usb");
      return new FridaDevice(await frida.getUsbDevice({ timeout: 5000 }), "usb");
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
