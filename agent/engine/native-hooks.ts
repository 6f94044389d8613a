/**
 * Putting the C filter (./native-filter.ts) on libc's functions. Each is replaced
 * (`Interceptor.replaceFast`): the cheapest hook, but frida-gum can only replace a function whose
 * first bytes it can relocate (arm64: 16 bytes, gum/backend-arm64/guminterceptor-arm64.c
 * `gum_interceptor_backend_prepare_trampoline`; the relocators stop at `svc`/`syscall`). bionic's
 * syscall stubs (`write`: `mov x8, #nr; svc #0`, libc/tools/gensyscalls.py) and its netd tail
 * calls (`sendto`, `connect`: libc/bionic/NetdClientDispatch.cpp) are shorter, so a send or a
 * socket-table function that cannot be replaced is attached instead (`Interceptor.attach` with the
 * filter's C listeners, `on_send_enter`/`on_send_leave`, `on_track_enter`/`on_track_leave`): a few
 * tenths of a microsecond more per call, and the function hooked.
 */
import { FD_TRACK, TRACK_HOWS, type NativeEntry } from "../catalogue/native.js";

export type Row = [string, "hooked" | "absent" | "failed", string?];

const ATTACHED = "through Interceptor.attach: too short to replace";

export class NativeHooker {
  constructor(
    private readonly filter: CModule,
    private readonly originals: NativePointer,
    private readonly trackOriginals: NativePointer,
    /** Symbols to attach rather than replace (AgentConfig.nativeAttach). */
    private readonly attach: ReadonlySet<string>,
    private readonly reportError: (where: string, err: unknown) => void,
  ) {}

  /** Entry `index` of NATIVE_ENTRIES: replaced by `r_<index>`, or for a send attached where it cannot be. */
  hook(e: NativeEntry, index: number): Row {
    const address = Module.findGlobalExportByName(e.symbol);
    if (address === null) return [e.id, "absent", `${e.symbol} not exported here`];
    const listeners = e.filter.kind === "send" ? { onEnter: this.filter.on_send_enter!, onLeave: this.filter.on_send_leave! } : null;
    const how = this.put(address, e.symbol, this.filter[`r_${index}`]!, this.originals.add(index * Process.pointerSize), listeners, index);
    if (typeof how === "string") return [e.id, "hooked", ...(how === "attached" ? [ATTACHED] : [])] as Row;
    // The coverage row says it (the report lists failed hooks): not an agent error as well.
    return [e.id, "failed", (how.error as Error)?.message ?? String(how.error)];
  }

  /** The socket table's functions (FD_TRACK); a failure is reported: sends on reused descriptors may then be missed. */
  track(): void {
    FD_TRACK.forEach((f, i) => {
      const address = Module.findGlobalExportByName(f.symbol);
      if (address === null) return;
      const listeners = { onEnter: this.filter.on_track_enter!, onLeave: this.filter.on_track_leave! };
      // The listeners take what to do (TRACK_HOWS' index) as data; the replacement `f_<i>` knows it.
      const how = this.put(address, f.symbol, this.filter[`f_${i}`]!, this.trackOriginals.add(i * Process.pointerSize), listeners, TRACK_HOWS.indexOf(f.how));
      if (typeof how !== "string") this.reportError(`native.${f.symbol}`, how.error);
    });
  }

  /** Replaces, or attaches `listeners` with `data` where replacing fails (or is asked not to be done). */
  private put(address: NativePointer, symbol: string, replacement: NativePointer, original: NativePointer, listeners: ScriptInvocationListenerCallbacks | null, data: number): "replaced" | "attached" | { error: unknown } {
    let error: unknown;
    if (!this.attach.has(symbol) || listeners === null) {
      try {
        // Written in the same JavaScript turn: the replacement is live only when the turn ends.
        original.writePointer(Interceptor.replaceFast(address, replacement));
        return "replaced";
      } catch (err) {
        error = err;
      }
    }
    if (listeners === null) return { error };
    try {
      Interceptor.attach(address, listeners, ptr(data));
      return "attached";
    } catch (err) {
      return { error: error ?? err };
    }
  }
}
