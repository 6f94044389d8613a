/**
 * The sandbox's clock: simulated, never the host's. It moves only when something on the phone
 * takes time — a wait (`wait:`, `background:`, `lock: <d>`), a cold start, a tap — and then skips
 * ahead at once, firing on the way the timers due in it (the app's, the agent's) with the clock
 * set to each one's due time. What happens in one instant (a launch's start-up calls) shares a
 * timestamp; its order is the calls' seq and the markers' file order. Real time — Appium's HTTP
 * round trips, a loaded CI machine — never reaches a timestamp: a run's trace, findings, windows
 * and periods are the same every time, and a three-minute background soak takes milliseconds.
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

/** The shortest timer delay, as on the platform: a 0 ms timer that re-arms itself cannot spin a wait forever. */
const MIN_DELAY = 1;

export class VirtualTime implements SimulatedTime {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, Timer>();
  /** Errors thrown by timer callbacks: reported, never fatal to the clock. */
  onTimerError?: (err: unknown) => void;

  now(): number {
    return this.t;
  }

  /** Runs `fn` after `delayMs` of sandbox time, and every `everyMs` after that when given. */
  setTimer(delayMs: number, fn: () => void, everyMs?: number): number {
    const id = ++this.seq;
    this.pending.set(id, { id, at: this.now() + Math.max(MIN_DELAY, delayMs), fn, ...(everyMs !== undefined ? { every: Math.max(MIN_DELAY, everyMs) } : {}) });
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

  /** Time passes on the phone: `ms` later, with the timers due meanwhile fired at their times. */
  advance(ms: number): void {
    const end = this.t + Math.max(0, ms);
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.pending.values()) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      if (next.at > this.t) this.t = next.at;
      if (next.every !== undefined) next.at += next.every;
      else this.pending.delete(next.id);
      try {
        next.fn();
      } catch (err) {
        this.onTimerError?.(err);
      }
    }
    if (this.t < end) this.t = end;
  }

  async sleep(ms: number): Promise<void> {
    // First let what is already under way finish at the current time (a process being
    // instrumented before it resumes, agent messages on their way).
    await new Promise((r) => setImmediate(r));
    this.advance(ms);
    // Let what the timers started (agent batches, a process they spawned) settle before the next step.
    await new Promise((r) => setImmediate(r));
  }
}
