import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TraceBuilder, UMENG } from "../support/trace-builder.js";

/** Strings an app under test could put in its package, classes, arguments, and a scenario author in names and labels. */
export const HOSTILE = {
  script: "<script>window.__pwned=1</script>",
  attr: `"><img src=x onerror=window.__pwned=1>`,
  js: "javascript:window.__pwned=1",
  endStyle: "</style><b>styled</b>",
  endScript: "</script><script>window.__pwned=1</script>",
  long: `com.long.${"x".repeat(5000)}`,
  rtl: "invoice\u202Egnp.exe",
  arabic: "تطبيق التسوق",
  hebrew: "אפליקציה",
  url: "https://evil.example/track.png",
  /** Looks like Umeng's package, is not: a zero-width space after "umeng". */
  impostor: "com.umeng\u200B.commonsdk",
  zalgo: `Z${"\u0336\u0301\u0317".repeat(40)}algo`,
  /** Grapheme clusters a line cannot wrap inside: a Hangul syllable of 150 vowels, a conjunct of 80 consonants. */
  clusters: `\u1100${"\u1161".repeat(150)} ${"\u0915\u094D".repeat(80)}\u0915`,
} as const;

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

/** The screenshot file name: the attribute-breaking string, legal in a Linux file name. */
export const SHOT_NAME = `${HOSTILE.attr}.png`;

/**
 * A trace whose every app- or author-controlled string is hostile: package, frames (so SDK
 * names of unknown parties), arguments and return values, scenario names, step actions and
 * labels, marker labels, permissions, the incomplete reason and screenshot paths (one real
 * PNG, one traversal, one URL).
 */
export function hostileTrace(png: Uint8Array = TINY_PNG): string {
  const h = HOSTILE;
  const b = new TraceBuilder(`com.evil.app${h.script}${h.rtl}`);
  mkdirSync(join(b.dir, "screenshots"), { recursive: true });
  writeFileSync(join(b.dir, "screenshots", SHOT_NAME), png);
  const first = `${h.script} ${h.arabic}`;
  return b
    .mark(0, "app_launch", { cold: true })
    .mark(0, "consent_shown")
    .mark(1, "scenario_start", { scenario: first, purpose: h.endStyle, needs: [] })
    .mark(1, "step_start", { scenario: first, step: 0, action: h.endStyle, label: h.attr })
    .mark(2, "screenshot", { path: `screenshots/${SHOT_NAME}` })
    .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`com.${h.script}.Evil.run`, `${h.attr}.X.y`, ...UMENG], args: [h.script, h.js, h.long], ret: h.rtl })
    .call(6, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: [`org.${h.hebrew}.${h.rtl}.Tracker.run`], args: [h.endScript] })
    .call(7, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: [`${h.long}.Deep.run`] })
    .call(7.5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`${h.impostor}.UMConfigure.init`, `com.${h.zalgo}.Z.run`] })
    .call(7.7, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: [`org.${h.clusters}.K.run`] })
    .mark(8, "mark", { label: `${h.endScript}${h.url}` })
    .mark(9, "permission_dialog_shown", { permissions: [h.attr] })
    .mark(9.5, "permission_dialog_answered", { permissions: [h.attr], answer: "deny" })
    .mark(10, "consent_accepted")
    .mark(12, "scenario_start", { scenario: h.long, needs: [] })
    .mark(12, "step_start", { scenario: h.long, step: 0, action: h.js, label: `${h.hebrew} ${h.rtl}` })
    .mark(13, "background")
    .calls([14, 15, 16], "location.LocationManager.getLastKnownLocation", "location", { from: [`${h.js}.A.b`, `${h.url}.B.c`] })
    .mark(20, "foreground")
    .mark(21, "screenshot", { path: "../../../../etc/passwd" })
    .mark(22, "screenshot", { path: h.url })
    .call(23, "location.LocationManager.getLastKnownLocation", "location", { from: [`${h.js}.A.b`] })
    .close(`${h.script}${h.attr}`);
}
