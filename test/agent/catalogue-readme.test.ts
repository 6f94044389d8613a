import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../agent/catalogue/index.js";
import { NATIVE_ENTRIES } from "../../agent/catalogue/native.js";
import { hookRows } from "../../runner/commands/hooks.js";

// The README's hook count is generated from the catalogue, never typed: it sits between two
// markers and must be what `permtrace hooks` counts. When the catalogue changes, write it with
//   PERMTRACE_WRITE_README=1 npx vitest run test/agent/catalogue-readme.test.ts

const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const SPAN = /<!-- hooks:count -->[^<]*<!-- \/hooks:count -->/;

/** The sentence part the README shows, from the same rows `permtrace hooks` prints. */
function countText(): string {
  const total = hookRows().length;
  return `<!-- hooks:count -->${total}: ${CATALOGUE.length} Java API entries and ${NATIVE_ENTRIES.length} libc functions (side channels and native sends)<!-- /hooks:count -->`;
}

describe("README: the hook count", () => {
  it("is what `permtrace hooks` counts", () => {
    let text = readFileSync(README, "utf8");
    expect(text, "README.md lost its <!-- hooks:count --> markers (next to `permtrace hooks`)").toMatch(SPAN);
    if (process.env.PERMTRACE_WRITE_README) {
      text = text.replace(SPAN, countText());
      writeFileSync(README, text);
    }
    expect(text.match(SPAN)![0], "stale: PERMTRACE_WRITE_README=1 npx vitest run test/agent/catalogue-readme.test.ts").toBe(countText());
    expect(hookRows().length).toBe(CATALOGUE.length + NATIVE_ENTRIES.length);
  });
});
