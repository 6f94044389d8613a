// Stands in for frida's types when the `frida` package is absent (it is optional: its install
// downloads a prebuilt binding). `npm run check:frida` type-checks frida-backend.ts against the
// real build/src/frida.d.ts of the pinned version instead of this file.
export type Device = any;
export type DeviceManager = any;
export type Session = any;
export type Script = any;
export type Child = any;
export type Spawn = any;
export type Crash = any;
export type Message = any;
export type SessionDetachReason = any;
export type SpawnGatingDisabledReason = any;
export declare function getDeviceManager(): DeviceManager;
export declare function getUsbDevice(options?: { timeout?: number | null }): Promise<Device>;
