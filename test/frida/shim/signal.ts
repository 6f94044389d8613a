/**
 * frida-node's `Signal<H>` as the shim's objects expose it: `connect` / `disconnect` of handlers,
 * called in connection order for every emission (frida/frida-node
 * src/frida_bindgen/codegen.py emits `export class Signal<H> { connect(handler: H); disconnect(handler: H) }`,
 * implemented by fdn_signal_connect/fdn_signal_disconnect in src/frida_bindgen/assets/codegen_helpers.c).
 */
export type SignalHandler = (...args: any[]) => void;

export class Signal<H extends SignalHandler> {
  private handlers: H[] = [];

  connect(handler: H): void {
    this.handlers.push(handler);
  }

  disconnect(handler: H): void {
    const i = this.handlers.indexOf(handler);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** Shim-internal: delivers one emission; a throwing handler does not stop the others. */
  emit(...args: Parameters<H>): void {
    for (const h of [...this.handlers]) {
      try {
        h(...args);
      } catch (err) {
        console.error("frida shim: signal handler threw", err);
      }
    }
  }
}
