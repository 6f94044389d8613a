// The frida types the shim names, as `any`, for the ordinary type-check (`tsc -p tsconfig.json`),
// where the npm `frida` package is absent: tsconfig.json maps the specifier `frida-shim-types`
// here. scripts/check-frida-types.sh maps it to frida's own build/src/frida.d.ts of the pinned
// version instead, so the shim is checked against the real types there (as the backend is,
// through runner/device/frida-stub.d.ts, which names fewer types).
export type Device = any;
export type DeviceManager = any;
export type Session = any;
export type Script = any;
export type Child = any;
export type Crash = any;
export type Message = any;
export type SessionDetachReason = any;
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
export declare function getUsbDevice(options?: GetDeviceOptions): Promise<Device>;
