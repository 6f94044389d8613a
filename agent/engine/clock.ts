/** The agent clock in ms: monotonic where the runtime has one. The runner aligns it to the host's. */
export function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p ? p.now() : Date.now();
}
