/**
 * The native target of test/frida/native-target.test.ts and native-send.test.ts
 * (test/frida/native/target.c, linked with bionic-props.c: bionic's property API on glibc), and
 * what both need around it: the built agent bundle and the local device through the runner's
 * FridaBackend.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceHandle } from "../../../runner/device/backend.js";
import { FridaBackend } from "../../../runner/device/frida-backend.js";
import { gcc, REPO } from "../prereq.js";

export const NATIVE_SRC = join(REPO, "test", "frida", "native");

export interface NativeRig {
  readonly dir: string;
  readonly agent: string;
  readonly device: DeviceHandle;
  /** target.c built in the rig's folder as `out`, with extra compiler flags. */
  build(out: string, defines?: readonly string[]): string;
}

/** A temporary folder with libbionic-props.so, the agent bundle's source, and the local device. */
export async function nativeRig(prefix: string): Promise<NativeRig> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(gcc().cc!, ["-O1", "-shared", "-fPIC", "-o", join(dir, "libbionic-props.so"), join(NATIVE_SRC, "bionic-props.c")]);
  const bundle = join(REPO, "dist", "agent", "permtrace-agent.js");
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm test does)`);
  const agent = readFileSync(bundle, "utf8");
  const device = await new FridaBackend().open({ serial: "local" });
  const build = (out: string, defines: readonly string[] = []): string => {
    const program = join(dir, out);
    execFileSync(gcc().cc!, ["-O1", "-g", ...defines, "-o", program, join(NATIVE_SRC, "target.c"), `-L${dir}`, "-lbionic-props", `-Wl,-rpath,${dir}`]);
    return program;
  };
  return { dir, agent, device, build };
}
