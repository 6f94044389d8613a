import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The scripts run from the build (npm test builds first).
const script = (name: string) => new URL(`../../dist/scripts/${name}.js`, import.meta.url).pathname;
const run = (name: string, args: string[]) => spawnSync(process.execPath, [script(name), ...args], { encoding: "utf8", timeout: 20_000 });

describe("gen:trace's --out", () => {
  it("an existing file, or a place no directory can be made (/proc: mkdir's recursive retry spun for ever), is one line, exit 3", () => {
    const file = join(mkdtempSync(join(tmpdir(), "gen-")), "a-file");
    writeFileSync(file, "mine");
    for (const [out, says] of [
      [file, /^gen:trace: --out: .*a-file is not a directory — choose another --out\n$/],
      ["/proc/permtrace-nope/t", /^gen:trace: --out: \/proc\/permtrace-nope\/t cannot be created: \/proc does not take a new directory \(ENOENT\) — choose another --out\n$/],
    ] as const) {
      const r = run("gen-trace", ["--events", "5", "--out", out]);
      expect(r.status, out).toBe(3);
      expect(r.stderr).toMatch(says);
    }
    expect(readFileSync(file, "utf8")).toBe("mine");
  });
});

describe("scripts' flags", () => {
  for (const [name, args, says] of [
    ["gen-trace", ["--help"], /^Unknown option '--help'\nusage: npm run gen:trace/],
    ["gen-trace", ["--events", "x", "--out", "/tmp/nowhere"], /^--events must be a whole number\nusage:/],
    ["gen-trace", ["--events", "5"], /^--out is required\nusage:/],
    ["gen-trace", ["--events", "5", "--out", "/tmp/nowhere", "--rate", "0"], /^--rate must be a number of calls per second from 0.001/],
    ["gen-trace", ["--events", "5", "--out", "/tmp/nowhere", "--rate", "1e-310"], /^--rate must be/],
    ["gen-trace", ["--events", "", "--out", "/tmp/nowhere"], /^--events must be a whole number/],
    ["gen-trace", ["--events", "5", "--out", "/tmp/nowhere", "--seed", "4294967297"], /^--seed must be a whole number below 2\^32/],
    ["gen-trace", ["--events", "1000000000000000", "--out", "/tmp/nowhere"], /^--events must be at most 100000000, not 1000000000000000\nusage:/],
    ["bench-report", ["--sizes", "1000,abc"], /^--sizes must be a positive whole number, not 'abc'/],
    ["bench-report", ["--runs", "0"], /^--runs must be a positive whole number/],
    ["bench-agent", ["--calls=0"], /^--calls must be/],
    ["bench-demo", ["--bogus"], /^Unknown option '--bogus'\nusage: npm run bench:demo/],
    ["bench-runner", ["--steps", "1.5"], /^--steps must be/],
  ] as const) {
    it(`${name} ${args.join(" ")}: one line and the usage, exit 2, no stack trace`, () => {
      const r = run(name, [...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    });
  }
});
