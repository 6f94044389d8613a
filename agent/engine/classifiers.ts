import type { Category } from "../../reports/trace/categories.js";
import { COMMANDS, SHELLS, type CommandRule } from "../catalogue/exec.js";
import { matches, PATTERNS } from "../catalogue/native.js";
import type { Classifier } from "../catalogue/types.js";
import { isOwnAuthority } from "./own-authority.js";
import { intentTarget, uriSummary } from "./summaries.js";

/** What a classifier decides for one call: record it or not, in which category, whether it is the app's own. */
export interface Decision {
  readonly record: boolean;
  readonly category?: Category;
  readonly own?: boolean;
  /** Replaces the first argument's summary (the sensor type, the URI). */
  readonly detail?: string;
}

const SKIP: Decision = { record: false };
const KEEP: Decision = { record: true };

/** Content authorities (and path prefixes) by category. */
const AUTHORITIES: readonly (readonly [RegExp, Category])[] = [
  [/^(com\.android\.contacts|contacts|icc)(\/|$)/, "contacts"],
  [/^call_log(\/|$)/, "call_log"],
  [/^(sms|mms|mms-sms)(\/|$)/, "sms"],
  [/^com\.android\.calendar(\/|$)/, "calendar"],
  [/^media(\/|$)/, "media_storage"],
  [/^(downloads|com\.android\.providers\.downloads\.documents|com\.android\.externalstorage\.documents)(\/|$)/, "media_storage"],
  [/^com\.android\.providers\.media\.documents(\/|$)/, "media_storage"],
  [/^telephony\/(carriers|siminfo)/, "carrier_info"],
  [/^com\.android\.voicemail(\/|$)/, "call_log"],
  // Vendor OAID providers (gzu-liyujiang/Android_CN_OAID, library/…/impl/VivoImpl.java,
  // MeizuImpl.java, NubiaImpl.java): the OAID read straight from the ROM's provider.
  [/^(com\.vivo\.vms\.IdProvider|com\.meizu\.flyme\.openidsdk|cn\.nubia\.identity)(\/|$)/, "device_identifiers"],
];

/** The category of a content URI, or undefined for providers that hold no personal data. */
export function contentCategory(uri: string): Category | undefined {
  const rest = uri.replace(/^content:\/\//, "");
  for (const [re, cat] of AUTHORITIES) if (re.test(rest)) return cat;
  return undefined;
}

export function classify(kind: Classifier, args: readonly unknown[], appPackage: string): Decision {
  switch (kind) {
    case "content-uri": {
      const uri = uriSummary(args[0]);
      const category = contentCategory(uri);
      return category ? { record: true, category, detail: uri } : SKIP;
    }
    case "other-package-intent": {
      const target = args.length > 0 && args[0] !== null && typeof args[0] === "object" ? intentTarget(args[0]) : null;
      return target !== null && target !== appPackage ? KEEP : SKIP;
    }
    case "package-arg":
      return { record: true, own: packageOf(args[0]) === appPackage };
    case "authority-arg":
      return { record: true, own: isOwnAuthority(args[0], appPackage) };
    case "serial-property":
      return typeof args[0] === "string" && matches(args[0], PATTERNS.serial) ? KEEP : SKIP;
    case "command":
      return commandDecision(args[0]);
    case "sensor-type": {
      const sensor = args[1] as { getType?: () => number } | null | undefined;
      const type = sensor && typeof sensor.getType === "function" ? sensor.getType() : undefined;
      return { record: true, detail: type === undefined ? "sensor:?" : `sensor:${type}` };
    }
  }
}

/** The words of a command array as strings (frida-java-bridge hands a String[] over as an array). */
function words(v: unknown): string[] {
  return Array.isArray(v) ? v.map((w) => String(w)) : [];
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `words` in this order among `rest`, not necessarily adjacent. */
function inOrder(rest: readonly string[], wanted: readonly string[]): boolean {
  let i = 0;
  for (const w of rest) if (i < wanted.length && w === wanted[i]) i++;
  return i === wanted.length;
}

/** The category a rule gives one command (program and its other words), or undefined. */
function ruleCategory(rule: CommandRule, rest: readonly string[]): Category | undefined {
  if (rule.noArgs && rest.length > 0) return undefined;
  if (rule.words && !inOrder(rest, rule.words)) return undefined;
  if (rule.path && !rest.some((w) => matches(w, rule.path!))) return undefined;
  if (rule.contentUri) {
    for (const w of rest) {
      const c = w.startsWith("content://") ? contentCategory(uriSummary(w)) : undefined;
      if (c) return c;
    }
    return undefined;
  }
  return rule.category;
}

/** The first rule matching one command, with its category. */
function matchCommand(argv: readonly string[]): { rule: CommandRule; category: Category } | undefined {
  let i = 0;
  while (i < argv.length && ["busybox", "toybox", "toolbox"].includes(basename(argv[i]!))) i++;
  if (i >= argv.length) return undefined;
  const program = basename(argv[i]!);
  const rest = argv.slice(i + 1);
  for (const rule of COMMANDS) {
    if (rule.program !== program) continue;
    const category = ruleCategory(rule, rest);
    if (category) return { rule, category };
  }
  return undefined;
}

/** A shell script's simple commands: split at `;`, `|`, `&&`, `||`, line breaks; quotes dropped. */
function scriptCommands(script: string): string[][] {
  return script
    .split(/;|\|\||&&|\||\n/)
    .map((c) => c.replace(/["']/g, "").trim().split(/\s+/).filter((w) => w !== ""))
    .filter((c) => c.length > 0);
}

/**
 * The `command` classifier: the command itself, or what a shell runs (`sh -c "getprop
 * ro.serialno"`). The detail names the program and the rule, and only counts the rest.
 */
function commandDecision(v: unknown): Decision {
  const argv = words(v);
  if (argv.length === 0) return SKIP;
  const program = basename(argv[0]!);
  let hit = matchCommand(argv);
  const c = argv.indexOf("-c");
  if (!hit && SHELLS.has(program) && c > 0 && c + 1 < argv.length) {
    for (const cmd of scriptCommands(argv[c + 1]!)) if ((hit = matchCommand(cmd))) break;
  }
  if (!hit) return SKIP;
  const rest = argv.slice(1).join(" ");
  const detail = `cmd:${program.slice(0, 64)} rule:${hit.rule.id} words:${argv.length - 1} len:${rest.length}`;
  return { record: true, category: hit.category, detail };
}

/**
 * The package an argument names: a package name, or a ComponentName's package (getActivityInfo
 * and the like take one). Anything else names no package here.
 */
function packageOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  const c = v as { getPackageName?: () => unknown } | null | undefined;
  if (c !== null && typeof c === "object" && typeof c.getPackageName === "function") {
    const p = c.getPackageName();
    return typeof p === "string" ? p : undefined;
  }
  return undefined;
}
