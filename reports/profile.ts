import { ProfileError } from "./errors.js";
import { CATEGORY_IDS, type Category } from "./trace/categories.js";
import { APP_TYPES, appType } from "./data/app-types.js";
import { ALL_ENTRIES, SDK_FAMILIES } from "./sdk/catalogue/index.js";
import { NameIndex, resolveDeclared } from "./sdk/declared.js";
import { didYouMean, loadYaml, yamlLine } from "./yaml-input.js";
import { readFileSync } from "node:fs";

/** What the app publishes about itself: its type, its SDK list, its declared data uses. */
export interface AppProfile {
  readonly app: string;
  readonly name?: string;
  /** One of the 39 app types (id, number or Chinese name). */
  readonly appType?: string | number;
  /** Java packages that are the app's own code besides its package name. */
  readonly ownPackages?: readonly string[];
  /** The SDK list the app publishes (第三方SDK清单). */
  readonly sdks?: readonly DeclaredSdk[];
  /** The data uses the privacy policy declares. */
  readonly uses?: readonly DeclaredUse[];
  /** Path the profile was read from, for messages. */
  readonly source?: string;
}

export interface DeclaredSdk {
  /** As the app's list names it; matched against catalogue names, ids and aliases. */
  readonly name: string;
  /** A catalogue id, when the author knows it. */
  readonly id?: string;
  readonly packages?: readonly string[];
  readonly purpose?: string;
  /** Categories the list says this SDK collects; absent = not stated. */
  readonly categories?: readonly Category[];
}

export interface DeclaredUse {
  readonly category: Category;
  readonly purpose?: string;
  readonly background?: boolean;
}

const category = { type: "string", enum: [...CATEGORY_IDS] };
const javaPackage = { type: "string", pattern: "^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$" };

/** JSON Schema of an app profile (docs/schema/app-profile.schema.json is generated from it). */
export const APP_PROFILE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://permtrace.dev/schema/app-profile-1.json",
  title: "permtrace app profile",
  type: "object",
  additionalProperties: false,
  required: ["app"],
  properties: {
    app: { ...javaPackage, description: "The app's package name." },
    name: { type: "string" },
    appType: { type: ["string", "integer"], description: "One of the 39 app types: id (map_navigation), number (1–39) or Chinese name (地图导航)." },
    ownPackages: { type: "array", items: javaPackage },
    sdks: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1 },
          id: { type: "string" },
          packages: { type: "array", items: javaPackage },
          purpose: { type: "string" },
          categories: { type: "array", items: category },
        },
      },
    },
    uses: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["category"],
        properties: { category, purpose: { type: "string" }, background: { type: "boolean" } },
      },
    },
  },
} as const;

/** Reads and validates an app profile YAML file. */
export function loadAppProfile(path: string): AppProfile {
  const profile = loadYaml<AppProfile>(path, APP_PROFILE_SCHEMA, ProfileError, "app profile");
  if (profile.appType !== undefined && !appType(profile.appType)) {
    const guess = typeof profile.appType === "string" ? didYouMean(profile.appType, APP_TYPES.map((t) => t.id)) : undefined;
    const text = readFileSync(path, "utf8").split("\n");
    const line = text.findIndex((l) => /^appType\s*:/.test(l));
    throw new ProfileError(`appType ${JSON.stringify(profile.appType)} is not one of the 39 app types`, {
      where: path,
      ...(line >= 0 ? { line: line + 1 } : {}),
      fix: guess ? `did you mean '${guess}'?` : "use an id such as map_navigation, a number 1–39 or the Chinese name (docs/rules.md lists them)",
    });
  }
  checkSdkNames(profile, path);
  return { ...profile, source: path };
}

let nameIndex: NameIndex | undefined;

/** The catalogue's names, indexed once per process. */
export function catalogueNames(): NameIndex {
  return (nameIndex ??= new NameIndex(ALL_ENTRIES, SDK_FAMILIES));
}

/**
 * Every name in `sdks` must mean a catalogue entry, a family or (with `packages`) an uncatalogued
 * SDK: a name that matches nothing would otherwise read as an undeclared SDK later.
 */
function checkSdkNames(profile: AppProfile, path: string): void {
  const { unmatched } = resolveDeclared(profile.sdks ?? [], catalogueNames());
  const first = unmatched[0];
  if (!first) return;
  const more = unmatched.length > 1 ? ` (and ${unmatched.length - 1} more: ${unmatched.slice(1, 4).map((u) => `'${u.name}'`).join(", ")}${unmatched.length > 4 ? ", …" : ""})` : "";
  const key = profile.sdks?.[first.index]?.id !== undefined ? "id" : "name";
  const line = yamlLine(readFileSync(path, "utf8"), ["sdks", first.index, key]);
  throw new ProfileError(`sdks[${first.index}]: ${first.problem}${more}`, { where: path, ...(line !== undefined ? { line } : {}), fix: first.fix });
}
