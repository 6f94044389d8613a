/**
 * A test-only stand-in for the npm `frida` package, for the real-Frida vitest project (vitest.config.ts
 * aliases `frida` to this file there): the part of frida-node's API that
 * runner/device/frida-backend.ts and session.ts use, over real frida-core driven by PyPI's
 * `frida` wheel through test/frida/relay.py (the npm binding cannot be installed everywhere).
 * Semantics are frida-node's (frida/frida-node src/frida_bindgen/assets/customization_facade.ts
 * for getDeviceManager/getUsbDevice, customization_helpers.ts for script exports); each class
 * implements the members of frida's own classes that the runner uses, checked against frida
 * 17.18.0's frida.d.ts by scripts/check-frida-types.sh.
 *
 * Extra, shim-only: `closeAll()` ends the relay (call it in afterAll; no process is left behind).
 */
import type * as Frida from "frida";
import { ShimDevice, type DeviceInfo } from "./device.js";
import { RelayClient } from "./relay-client.js";

export { registerLauncher, unregisterLauncher } from "./launchers.js";

type DeviceManagerUsed = Pick<Frida.DeviceManager, "getDeviceById" | "addRemoteDevice" | "enumerateDevices" | "close">;

export class ShimDeviceManager implements DeviceManagerUsed {
  private relayClient: RelayClient | undefined;
  private readonly devices = new Map<number, ShimDevice>();

  /** The relay, started on first use (one python process per manager). */
  get relay(): RelayClient {
    this.relayClient ??= new RelayClient();
    return this.relayClient;
  }

  async getDeviceById(id: string, timeout: number): Promise<Frida.Device> {
    return this.device(await this.relay.request<DeviceInfo>("get_device", { deviceId: id, timeout }));
  }

  async addRemoteDevice(address: string): Promise<Frida.Device> {
    return this.device(await this.relay.request<DeviceInfo>("add_remote_device", { address }));
  }

  async enumerateDevices(): Promise<Frida.Device[]> {
    const infos = await this.relay.request<DeviceInfo[]>("enumerate_devices");
    return infos.map((i) => this.device(i));
  }

  async close(): Promise<void> {
    const relay = this.relayClient;
    this.relayClient = undefined;
    this.devices.clear();
    await relay?.close();
  }

  /** The relay's pid, for tests that check no process is left behind. */
  get relayPid(): number | undefined {
    return this.relayClient?.pid;
  }

  private device(info: DeviceInfo): Frida.Device {
    let d = this.devices.get(info.handle);
    if (!d) this.devices.set(info.handle, (d = new ShimDevice(this.relay, info)));
    // ShimDevice implements the members of Frida.Device the runner uses (see device.ts).
    return d as unknown as Frida.Device;
  }
}

let shared: ShimDeviceManager | null = null;

/** frida-node keeps one shared DeviceManager (customization_facade.ts getDeviceManager). */
export function getDeviceManager(): Frida.DeviceManager {
  return sharedManager() as unknown as Frida.DeviceManager;
}

function sharedManager(): ShimDeviceManager {
  shared ??= new ShimDeviceManager();
  return shared;
}

/**
 * frida-node's getUsbDevice (customization_facade.ts getMatchingDevice): the first device of type
 * "usb"; with no timeout "Device not found", else waits for one, then "Timed out while waiting for
 * device to appear". frida-node waits on the manager's `added` signal; the shim polls.
 */
export async function getUsbDevice(options?: Frida.GetDeviceOptions): Promise<Frida.Device> {
  const manager = sharedManager();
  const timeout = options?.timeout ?? 0;
  const deadline = timeout === null ? Infinity : Date.now() + timeout;
  for (;;) {
    const found = (await manager.enumerateDevices()).find((d: Frida.Device) => (d as unknown as ShimDevice).type === "usb");
    if (found) return found as Frida.Device;
    if (timeout === 0) throw new Error("Device not found");
    if (Date.now() >= deadline) throw new Error("Timed out while waiting for device to appear");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ends the shared manager's relay (and, through it, what it spawned). Call in afterAll. */
export async function closeAll(): Promise<void> {
  const m = shared;
  shared = null;
  await m?.close();
}

// The module's exports the runner uses, checked against frida's own module type.
({ getDeviceManager, getUsbDevice }) satisfies Pick<typeof Frida, "getDeviceManager" | "getUsbDevice">;
