/**
 * The sandbox's clock. Real time passes as usual while the runner talks to Appium; a wait (a
 * `wait:` or `background:` step) skips ahead at once instead of sleeping, firing the app's timers
 * at their due times on the way. So a two-minute background soak takes milliseconds, the calls the
 * app's timers make land exactly where a phone would have made them, and the demo is fast and
 * its findings are the same on every run.
 */
export interface SimulatedTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

interface Timer {
  readonly id: number;
  at: number;
  readonly every?: number;
  readonly fn: () => void;
}

export class VirtualTime implements SimulatedTime {
  private readonly t0 = performance.now();
  private skipped = 0;
  private seq = 0;
  private readonly pending = new Map<number, Timer>();
  /** Errors thrown by timer callbacks (the app's code): reported, never fatal to the clock. */
  onTimerError?: (err: unknown) => void;

  now(): number {
    return performance.now() - this.t0 + this.skipped;
  }

  /** Runs `fn` after `delayMs` of sandbox time, and every `everyMs` after that when given. */
  setTimer(delayMs: number, fn: () => void, everyMs?: number): number {
    const id = ++this.seq;
    this.pending.set(id, { id, at: this.now() + Math.max(0, delayMs), fn, ...(everyMs !== undefined ? { every: Math.max(1, everyMs) } : {}) });
    return id;
  }

  clearTimer(id: number): void {
    this.pending.delete(id);
  }

  /** setTimeout and friends on this clock, for code that runs inside the sandbox (the agent). */
  timers(track: (id: number) => void = () => undefined, onError?: (err: unknown) => void): { setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => number; clearTimeout: (id: unknown) => void; setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => number; clearInterval: (id: unknown) => void } {
    const clear = (id: unknown): void => {
      if (typeof id === "number") this.clearTimer(id);
    };
    const run = (fn: (...a: unknown[]) => void, args: unknown[]) => (): void => {
      if (!onError) return fn(...args);
      try {
        fn(...args);
      } catch (err) {
        onError(err);
      }
    };
    return {
      setTimeout: (fn, ms = 0, ...args) => {
        const id = this.setTimer(ms, run(fn, args));
        track(id);
        return id;
      },
      setInterval: (fn, ms = 0, ...args) => {
        const id = this.setTimer(ms, run(fn, args), ms);
        track(id);
        return id;
      },
      clearTimeout: clear,
      clearInterval: clear,
    };
  }

  /** Fires the timers that real time has made due (call before the app acts). */
  catchUp(): void {
    this.runUntil(this.now(), false);
  }

  async sleep(ms: number): Promise<void> {
    // First let what is already under way finish at the current time (a process being
    // instrumented before it resumes, agent messages on their way).
    await new Promise((r) => setImmediate(r));
    const end = this.now() + Math.max(0, ms);
    this.runUntil(end, true);
    if (this.now() < end) this.skipped += end - this.now();
    // Let what the timers started (agent batches, messages) reach the host before the next step.
    await new Promise((r) => setImmediate(r));
  }

  private runUntil(end: number, skip: boolean): void {
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.pending.values()) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) return;
      if (skip && next.at > this.now()) this.skipped += next.at - this.now();
      if (next.every !== undefined) next.at += next.every;
      else this.pending.delete(next.id);
      try {
        next.fn();
      } catch (err) {
        this.onTimerError?.(err);
      }
    }
  }
}
