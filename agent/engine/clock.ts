/**
 * The agent clock in ms: CLOCK_MONOTONIC through libc where the runtime can call it (on the
 * device), else `performance.now()`, else `Date.now()`. The runner aligns it to the host's.
 */
const CLOCK_MONOTONIC = 1;

function monotonic(): (() => number) | undefined {
  try {
    // Exclusive: the JS lock is kept during the call, so no other thread writes `ts` meanwhile.
    const fn = new NativeFunction(Module.getGlobalExportByName("clock_gettime"), "int", ["int", "pointer"], { scheduling: "exclusive", exceptions: "propagate" });
    const ts = Memory.alloc(16);
    // struct timespec: two longs (4 bytes each on 32-bit ABIs, 8 on 64-bit).
    const wide = Process.pointerSize === 8;
    const read = (): number => {
      fn(CLOCK_MONOTONIC, ts);
      return wide ? ts.readS64().toNumber() * 1000 + ts.add(8).readS64().toNumber() / 1e6 : ts.readS32() * 1000 + ts.add(4).readS32() / 1e6;
    };
    read();
    return read;
  } catch {
    return undefined;
  }
}

const perf = (globalThis as { performance?: { now(): number } }).performance;

export const now: () => number = (typeof NativeFunction === "function" ? monotonic() : undefined) ?? (perf ? () => perf.now() : () => Date.now());
