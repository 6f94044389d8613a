import BundledJava from "frida-java-bridge";

/**
 * The Java bridge. Frida 17 no longer ships it in its runtime, so it is bundled; a runtime that
 * still provides a global `Java` (Frida 16, or the test stand-in) is used as it is.
 */
export const Java: typeof BundledJava = (globalThis as { Java?: typeof BundledJava }).Java ?? BundledJava;

/** The Android API level of the device, or null when the bridge cannot tell. */
export function apiLevel(): number | null {
  try {
    const v = Java.use("android.os.Build$VERSION").SDK_INT.value as number;
    return typeof v === "number" ? v : null;
  } catch {
    return null;
  }
}

export type JavaWrapper = BundledJava.Wrapper;
export type JavaMethod = BundledJava.Method;
export type JavaBacktrace = BundledJava.Backtrace;
