/**
 * The runner's real frida backend (runner/device/frida-backend.ts) and session code
 * (runner/device/session.ts), unchanged, driving real frida-core on this machine through the shim
 * of the npm `frida` API (test/frida/shim/, aliased as `frida` in this vitest project) and the
 * Python relay: a small C program is spawned, instrumented with the built agent, resumed, forks a
 * child and exits, or aborts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentMessage, CoverageRow } from "../../agent/protocol.js";
import type { DetachReason, DeviceHandle } from "../../runner/device/backend.js";
import { FridaBackend } from "../../runner/device/frida-backend.js";
import { instrumentApp, type ProcessEvents } from "../../runner/device/session.js";
import { gcc, realSuite, REPO } from "./prereq.js";
import { closeAll, getDeviceManager, type ShimDeviceManager } from "./shim/frida.js";
import { alive, waitFor } from "./support/wait.js";

const suite = realSuite("real-Frida backend tests (test/frida/backend.test.ts)", ["frida", "gcc"]);

const TARGET_C = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
/* Waits for a line on stdin: "crash" aborts; anything else reads a file (itself), forks a child
   that exits with 7, waits for it, prints and exits. */
int main(int argc, char **argv) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 2;
  if (strncmp(line, "crash", 5) == 0) abort();
  FILE *f = fopen(argv[0], "rb");
  char buf[16];
  size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f) fclose(f);
  pid_t child = fork();
  if (child == 0) _exit(7);
  int status = 0;
  waitpid(child, &status, 0);
  printf("done read=%zu child=%d\\n", n, WEXITSTATUS(status));
  fflush(stdout);
  return 0;
}
`;

interface Recorded {
  readonly messages: { pid: number; message: AgentMessage }[];
  readonly errors: { pid: number; description: string }[];
  readonly detached: { pid: number; reason: DetachReason; crash: string | null }[];
  readonly children: { pid: number; parentPid: number; identifier: string; how?: { readonly origin?: string; readonly instrumented: boolean } }[];
  readonly warnings: string[];
  readonly events: ProcessEvents;
}

function recorder(): Recorded {
  const r: Omit<Recorded, "events"> = { messages: [], errors: [], detached: [], children: [], warnings: [] };
  const events: ProcessEvents = {
    message: (pid, message) => r.messages.push({ pid, message }),
    scriptError: (pid, description) => r.errors.push({ pid, description }),
    detached: (pid, reason, crash) => r.detached.push({ pid, reason, crash }),
    child: (pid, parentPid, identifier, how) => r.children.push({ pid, parentPid, identifier, ...(how ? { how } : {}) }),
    warning: (text) => r.warnings.push(text),
  };
  return { ...r, events };
}

/** What the runner's events brought so far, for a timeout's message. */
function seen(r: Omit<Recorded, "events">): string {
  return `seen: ${JSON.stringify({ ...r, messages: r.messages.map((m) => [m.pid, m.message.type]) })}`;
}

describe.skipIf(!suite.run)("the runner's FridaBackend on real frida-core (shim + relay)", () => {
  let dir: string;
  let program: string;
  let agent: string;
  let device: DeviceHandle;
  const pids: number[] = [];

  /** Writes a line to the target's stdin through frida (it was spawned with piped stdio). */
  async function input(pid: number, line: string): Promise<void> {
    const local = await getDeviceManager().getDeviceById("local", 1000);
    await local.input(pid, Buffer.from(line));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "permtrace-frida-"));
    writeFileSync(join(dir, "target.c"), TARGET_C);
    program = join(dir, "target");
    execFileSync(gcc().cc!, ["-O1", "-o", program, join(dir, "target.c")]);
    const bundle = join(REPO, "dist", "agent", "permtrace-agent.js");
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm test does)`);
    agent = readFileSync(bundle, "utf8");
    device = await new FridaBackend().open({ serial: "local" });
  });

  afterAll(async () => {
    const relay = (getDeviceManager() as unknown as ShimDeviceManager).relayPid;
    await closeAll();
    // Nothing left behind: the relay and every target it spawned are gone.
    if (relay) expect(alive(relay)).toBe(false);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens the local device by id; other ids and a USB device are refused with frida's reason", async () => {
    expect(device.id).toBe("local");
    expect(device.kind).toBe("usb");
    expect(device.name).toBe("Local System");
    const [byId, usb, remote] = await Promise.allSettled([
      new FridaBackend().open({ serial: "emulator-5554" }),
      new FridaBackend().open({}),
      // Port 1 refuses: frida adds the remote device without connecting; the backend's first
      // exchange (querySystemParameters) is where frida's reason appears.
      new FridaBackend().open({ serial: "emulator-5554", remote: "127.0.0.1:1" }),
    ]);
    expect(remote.status).toBe("rejected");
    expect(String((remote as PromiseRejectedResult).reason.message)).toMatch(/^cannot reach frida-server at 127\.0\.0\.1:1: \S/);
    expect(byId.status).toBe("rejected");
    expect(String((byId as PromiseRejectedResult).reason.message)).toMatch(/^cannot reach device emulator-5554: /);
    expect(usb.status).toBe("rejected");
    expect(String((usb as PromiseRejectedResult).reason.message)).toBe("cannot reach a USB device: Timed out while waiting for device to appear");
  });

  it("spawn → attach → load → init → resume; messages, RPC, an unheld fork, detach on exit", async () => {
    const rec = recorder();
    const app = await instrumentApp(device, program, agent, { appPackage: "com.permtrace.native" }, rec.events);
    pids.push(app.pid);

    // Spawn gating is never forwarded: the shim answers as a device without it, and the runner
    // says so and goes on with child gating only.
    expect(rec.errors).toContainEqual({ pid: -1, description: "spawn gating unavailable: Not yet supported on this OS" });

    // init's coverage rows came back through RPC; native hooks install in a plain process.
    expect(app.coverage.length).toBeGreaterThan(0);
    for (const row of app.coverage) expect(["hooked", "absent", "failed", "pending"]).toContain(row[1]);
    expect(app.coverage.some((r: CoverageRow) => r[1] === "hooked")).toBe(true);

    // Agent messages arrived through the script's `message` signal, from the spawned pid.
    const mine = rec.messages.filter((m) => m.pid === app.pid).map((m) => m.message);
    const hello = mine.find((m) => m.type === "hello");
    expect(hello).toMatchObject({ type: "hello", protocol: 1, pid: app.pid });
    expect(mine.find((m) => m.type === "coverage")).toMatchObject({ type: "coverage", hooks: app.coverage });

    // RPC round trips through the exports proxy.
    const script = app.scripts.get(app.pid)!;
    const status = await script.exports.status();
    expect(status.hooked).toBe(app.coverage.filter((r) => r[1] === "hooked").length);
    expect(typeof (await script.exports.flush())).toBe("number");
    const t = await script.exports.mark("step-1");
    expect(t).toBeGreaterThan((hello as { clock: number }).clock);
    await app.flush();

    // The program forks a child. The runner does not ask for child gating (frida-core would
    // make every fork() wait on it), so the fork goes unreported and unheld: the child exits 7,
    // the parent prints that and exits, and its session ends with process-terminated.
    const output: string[] = [];
    const local = await getDeviceManager().getDeviceById("local", 1000);
    local.output.connect((pid: number, _fd: number, data: Buffer) => void (pid === app.pid && output.push(data.toString())));
    await input(app.pid, "go\n");
    await waitFor("the parent's output", () => output.join("").includes("\n"), { detail: () => seen(rec) });
    expect(output.join("")).toBe("done read=16 child=7\n");
    await waitFor("the parent's detach", () => rec.detached.length > 0, { detail: () => seen(rec) });
    expect(rec.detached).toEqual([{ pid: app.pid, reason: "process-terminated", crash: null }]);
    expect(rec.children).toEqual([]);
    expect(rec.warnings).toEqual([]);
    expect(app.scripts.size).toBe(0);
    await app.stop();
  });

  it("an abort() ends the session with process-terminated", async () => {
    const rec = recorder();
    const app = await instrumentApp(device, program, agent, { appPackage: "com.permtrace.native" }, rec.events);
    pids.push(app.pid);
    await input(app.pid, "crash\n");
    await waitFor("the detach", () => rec.detached.length > 0);
    const d = rec.detached[0]!;
    expect(d.pid).toBe(app.pid);
    expect(d.reason).toBe("process-terminated");
    // Measured: frida-core 17.18 on desktop Linux gives no Crash for an abort(): its Linux crash
    // reports come from logcat, on Android only (frida/frida-core src/linux/linux-host-session.vala,
    // CrashMonitor), so the runner gets null here; the summary path needs a phone.
    expect(d.crash).toBeNull();
  });

  it("stop() disposes the agent, keeps it in the process (eternalized) and detaches, leaving the process running; stop(true) kills it", async () => {
    const rec = recorder();
    const app = await instrumentApp(device, program, agent, { appPackage: "com.permtrace.native" }, rec.events);
    pids.push(app.pid);
    await app.stop();
    await waitFor("the detach", () => rec.detached.length > 0);
    expect(rec.detached[0]).toEqual({ pid: app.pid, reason: "application-requested", crash: null });
    expect(alive(app.pid)).toBe(true);

    const rec2 = recorder();
    const app2 = await instrumentApp(device, program, agent, { appPackage: "com.permtrace.native" }, rec2.events);
    pids.push(app2.pid);
    await app2.stop(true);
    await waitFor("the killed process to go", () => !alive(app2.pid));
    await device.kill(app.pid);
    await waitFor("the detached process to be killed", () => !alive(app.pid));
  });
});
