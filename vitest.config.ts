import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Device tests are opt-in (PERMTRACE_DEVICE=1) and live under test/device/.
    exclude: ["node_modules", "dist"],
    testTimeout: 30_000,
  },
});
