/**
 * The shim's Session and Script over the relay (see frida.ts). Semantics from frida-node:
 * `Script.exports` is frida-node's ScriptExportsProxy (frida/frida-node
 * src/frida_bindgen/assets/customization_helpers.ts): any property but `then`/`catch`/`finally`
 * and symbols is an RPC method returning a Promise; the `message` signal delivers frida's Message
 * (`{type: "send", payload}` / `{type: "error", description, stack?…}`) and data, RPC replies and
 * log messages filtered out (frida-python filters them the same way before the relay sees them).
 */
import type * as Frida from "frida";
import type { RelayClient, RelayEvent } from "./relay-client.js";
import { Signal } from "./signal.js";

type ScriptUsed = Pick<Frida.Script, "load" | "unload" | "eternalize" | "exports" | "message" | "destroyed" | "isDestroyed">;
type SessionUsed = Pick<Frida.Session, "pid" | "createScript" | "enableChildGating" | "disableChildGating" | "detach" | "detached" | "isDetached">;
type CrashUsed = Pick<Frida.Crash, "pid" | "processName" | "summary" | "report">;

const RESERVED = new Set(["then", "catch", "finally"]);

export class ShimCrash implements CrashUsed {
  constructor(
    readonly pid: number,
    readonly processName: string,
    readonly summary: string,
    readonly report: string,
  ) {}
}

/** frida-node's ScriptExportsProxy: every non-reserved name is an async RPC call. */
function exportsProxy(call: (method: string, args: unknown[]) => Promise<unknown>): Frida.ScriptExports {
  return new Proxy({} as Frida.ScriptExports, {
    has: (_t, p) => !RESERVED.has(p.toString()),
    get(_t, p) {
      if (typeof p === "symbol" || RESERVED.has(p)) return undefined;
      return (...args: unknown[]) => call(p, args);
    },
  });
}

export class ShimScript implements ScriptUsed {
  readonly message = new Signal<Frida.ScriptMessageHandler>();
  readonly destroyed = new Signal<Frida.ScriptDestroyedHandler>();
  readonly exports: Frida.ScriptExports;
  private destroyedFlag = false;

  constructor(
    private readonly relay: RelayClient,
    private readonly handle: number,
  ) {
    this.exports = exportsProxy((method, args) => this.relay.request("rpc", { script: handle, method, args }));
    relay.listen(`script:${handle}`, (ev) => this.onEvent(ev));
  }

  get isDestroyed(): boolean {
    return this.destroyedFlag;
  }

  async load(): Promise<void> {
    await this.relay.request("load", { script: this.handle });
  }

  async unload(): Promise<void> {
    await this.relay.request("unload", { script: this.handle });
  }

  async eternalize(): Promise<void> {
    await this.relay.request("eternalize", { script: this.handle });
  }

  private onEvent(ev: RelayEvent): void {
    if (ev.event === "message") {
      const data = typeof ev.data === "string" ? Buffer.from(ev.data, "base64") : null;
      this.message.emit(ev.message as Frida.Message, data);
    } else if (ev.event === "destroyed") {
      this.destroyedFlag = true;
      this.destroyed.emit();
    } else if (ev.event === "log") {
      // frida-node's default log handler (customization_helpers.ts `log`): console by level.
      const text = String(ev.text);
      if (ev.level === "info") console.log(text);
      else if (ev.level === "warning") console.warn(text);
      else console.error(text);
    }
  }
}

export class ShimSession implements SessionUsed {
  readonly detached = new Signal<Frida.SessionDetachedHandler>();
  private detachedFlag = false;

  constructor(
    private readonly relay: RelayClient,
    private readonly handle: number,
    readonly pid: number,
  ) {
    relay.listen(`session:${handle}`, (ev) => this.onEvent(ev));
  }

  isDetached(): boolean {
    return this.detachedFlag;
  }

  async createScript(source: string, options?: Frida.ScriptOptions): Promise<Frida.Script> {
    const r = await this.relay.request<{ handle: number }>("create_script", { session: this.handle, source, name: options?.name });
    // ShimScript implements the members of Frida.Script the runner uses (ScriptUsed, checked
    // against frida's own frida.d.ts by scripts/check-frida-types.sh).
    return new ShimScript(this.relay, r.handle) as unknown as Frida.Script;
  }

  async enableChildGating(): Promise<void> {
    await this.relay.request("enable_child_gating", { session: this.handle });
  }

  async disableChildGating(): Promise<void> {
    await this.relay.request("disable_child_gating", { session: this.handle });
  }

  async detach(): Promise<void> {
    await this.relay.request("detach", { session: this.handle });
  }

  private onEvent(ev: RelayEvent): void {
    if (ev.event !== "detached") return;
    this.detachedFlag = true;
    const c = ev.crash as { pid: number; processName: string; summary: string; report: string } | null;
    const crash = c ? new ShimCrash(c.pid, c.processName, c.summary, c.report) : null;
    this.detached.emit(ev.reason as Frida.SessionDetachReason, crash as unknown as Frida.Crash | null);
  }
}
