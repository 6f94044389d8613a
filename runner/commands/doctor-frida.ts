import { PINNED_FRIDA } from "../../reports/version.js";
import { shellWord } from "../scenario/appium-home.js";
import type { CheckResult, Exec } from "./doctor.js";

const SERVER_PATH = "/data/local/tmp/frida-server";

/** Android ABIs (ro.product.cpu.abi) and the architecture in frida's release asset names. */
const ASSET_ARCH: Readonly<Record<string, string>> = {
  "arm64-v8a": "arm64",
  "armeabi-v7a": "arm",
  armeabi: "arm",
  x86: "x86",
  x86_64: "x86_64",
};

/**
 * The frida-server release asset for an ABI and version, e.g. frida-server-17.18.0-android-arm64.xz,
 * with its download URL; undefined for an ABI frida does not build for (or an unreadable one).
 */
export function fridaServerAsset(abi: string, version: string): { file: string; url: string } | undefined {
  const arch = Object.hasOwn(ASSET_ARCH, abi) ? ASSET_ARCH[abi] : undefined;
  if (!arch || !/^\d+\.\d+\.\d+$/.test(version)) return undefined;
  const file = `frida-server-${version}-android-${arch}.xz`;
  return { file, url: `https://github.com/frida/frida/releases/download/${version}/${file}` };
}

/**
 * Starts frida-server as root, detached (-D, --daemonize in frida-core's server.vala): a server
 * started with `&` dies with the adb shell that started it. The command goes to the device's shell
 * as one argument, so `su -c` gets the whole command line.
 */
export function startCommand(serial: string): string {
  return `adb -s ${shellWord(serial)} shell "su -c '${SERVER_PATH} -D'"`;
}

/** How to get frida-server `version` for the device's ABI onto the device, and start it. */
export function installAdvice(serial: string, abi: string, version: string): string {
  const adb = `adb -s ${shellWord(serial)}`;
  const asset = fridaServerAsset(abi, version);
  const get = asset
    ? `download ${asset.url} (the device's ABI is ${abi}), unxz it, ${adb} push ${asset.file.replace(/\.xz$/, "")} ${SERVER_PATH}`
    : `the device's ABI is '${abi || "unknown"}' (adb shell getprop ro.product.cpu.abi): download frida-server-${version}-android-<arch>.xz for it from https://github.com/frida/frida/releases, unxz it, ${adb} push it to ${SERVER_PATH}`;
  return `${get}, ${adb} shell chmod 755 ${SERVER_PATH}, then start it as root, detached so it outlives the adb shell: ${startCommand(serial)}`;
}

/** frida-server at /data/local/tmp on an adb device: present, of the frida package's major version, running. */
export async function localFridaCheck(exec: Exec, serial: string, fridaVersion: string | null): Promise<CheckResult> {
  const name = "frida-server";
  const wanted = fridaVersion ?? PINNED_FRIDA;
  const v = await exec("adb", ["-s", serial, "shell", `su -c '${SERVER_PATH} --version' 2>/dev/null || ${SERVER_PATH} --version`]);
  const server = /^\d+\.\d+\.\d+/.exec(v.stdout.trim())?.[0];
  if (!server || (fridaVersion && major(server) !== major(fridaVersion))) {
    const abiOut = await exec("adb", ["-s", serial, "shell", "getprop ro.product.cpu.abi"]);
    const abi = abiOut.ok ? abiOut.stdout.trim().slice(0, 60) : "";
    const advice = wanted ? installAdvice(serial, abi, wanted) : "install the frida package first: its version decides frida-server's";
    if (!server) return { name, status: "fail", detail: `not found at ${SERVER_PATH}`, fix: advice };
    // Frida's host and server speak one protocol per major version: only the major must match.
    return { name, status: "fail", detail: `${server} on the device, frida package ${fridaVersion}`, fix: `stop it (${`adb -s ${shellWord(serial)} shell "su -c 'pkill -f frida-server'"`}), then ${advice}` };
  }
  const running = await exec("adb", ["-s", serial, "shell", "pidof frida-server"]);
  const same = fridaVersion && server !== fridaVersion ? ` (frida package ${fridaVersion}: the same major version, which is what Frida needs)` : "";
  return running.ok && running.stdout.trim()
    ? { name, status: "ok", detail: `${server}, running${same}` }
    : { name, status: "fail", detail: `${server}, not running`, fix: `start it as root, detached so it outlives the adb shell: ${startCommand(serial)}` };
}

function major(version: string): string {
  return version.split(".")[0]!;
}
