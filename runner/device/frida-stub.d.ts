// Stands in for frida's types when the `frida` package is absent (it is optional: its install
// downloads a prebuilt binding): the names the frida backend and the real-Frida test shim
// (test/frida/shim/) use. `npm run check:frida` type-checks both against the real
// build/src/frida.d.ts of the pinned version instead of this file.
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
export type ChildOrigin = any;
export type ChildAddedHandler = any;
export type SpawnAddedHandler = any;
export type SpawnGatingDisabledHandler = any;
export type OutputHandler = any;
export type SessionDetachedHandler = any;
export type ScriptMessageHandler = any;
export type ScriptDestroyedHandler = any;
export type ScriptExports = any;
export type ScriptOptions = any;
export type SpawnOptions = any;
export type TargetProcess = any;
export type SystemParameters = any;
export type GetDeviceOptions = any;
export declare function getDeviceManager(): DeviceManager;
export declare function getUsbDevice(options?: { timeout?: number | null }): Promise<Device>;
