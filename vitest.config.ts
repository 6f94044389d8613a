import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const FRIDA_SHIM = fileURLToPath(new URL("./test/frida/shim/frida.ts", import.meta.url));

export default defineConfig({
  test: {
    exclude: ["node_modules", "dist"],
    testTimeout: 30_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["node_modules", "dist", "test/frida/**"] },
      },
      {
        // Real frida-core (PyPI's wheel, through test/frida/relay.py) behind a shim of the npm
        // `frida` API: the runner's own frida backend runs unchanged. Files one at a time: they
        // inject into real processes (JVMs among them) on a 2-core machine.
        extends: true,
        resolve: { alias: [{ find: /^frida$/, replacement: FRIDA_SHIM }] },
        test: { name: "frida", include: ["test/frida/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
    ],
  },
});
