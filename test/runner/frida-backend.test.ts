import { describe, expect, it, vi } from "vitest";

// The npm `frida` binding cannot be installed here: a module standing in for the part of it the
// backend touches when it opens a device. The message is frida-core's own (src/host-session-service
// and the remote host session's "ensure that major versions match" for a protocol mismatch).
const MISMATCH = "Unable to communicate with remote frida-server; please ensure that major versions match and that the remote Frida has the feature you are trying to use";
const state = { query: async (): Promise<unknown> => ({ os: { id: "android" } }) };

vi.mock("frida", () => {
  const device = (id: string) => ({ id, name: id, querySystemParameters: () => state.query() });
  return {
    getDeviceManager: () => ({ getDeviceById: async (id: string) => device(id), addRemoteDevice: async (addr: string) => device(`socket@${addr}`) }),
    getUsbDevice: async () => device("usb"),
  };
});

describe("opening a device through frida", () => {
  it("talks to frida-server at once, so another major version is one line with the fix, not a failed spawn later", async () => {
    const { FridaBackend, DeviceError } = await import("../../runner/device/frida-backend.js");
    state.query = async () => ({ os: { id: "android" } });
    await expect(new FridaBackend().open({ serial: "emulator-5554", remote: "127.0.0.1:27042" })).resolves.toMatchObject({ kind: "remote", serial: "emulator-5554" });
    state.query = async () => {
      throw new Error(MISMATCH);
    };
    const err = await new FridaBackend().open({ serial: "emulator-5554", remote: "127.0.0.1:27042" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as Error).message).toMatch(/frida-server at 127\.0\.0\.1:27042 runs a frida-server whose major version differs from the frida package's \(17\.18\.0\)/);
    expect((err as { fix?: string }).fix).toMatch(/run frida-server 17\.18\.0 on the device \(the same major version is enough/);
    // Anything else is the plain "cannot reach" with its own fix.
    state.query = async () => {
      throw new Error("connection refused");
    };
    await expect(new FridaBackend().open({ serial: "R58M" })).rejects.toThrow(/cannot reach device R58M: connection refused/);
  });
});
