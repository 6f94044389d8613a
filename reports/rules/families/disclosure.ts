import type { DeclaredSdk } from "../../profile.js";
import type { Party } from "../../sdk/attribution.js";
import { CATEGORIES, type Category } from "../../trace/categories.js";
import { GroupMap, partyCatKey } from "../groups.js";
import { emitGroups, REFS, type RuleFamily } from "../family.js";

const UNDECLARED_SDK = "disclosure.undeclared_sdk";
const SDK_CATEGORY = "disclosure.sdk_undeclared_category";
const UNDECLARED_USE = "disclosure.undeclared_category";

/** Lower-case letters and digits (any script) only, for name matching. */
function norm(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function underOrOver(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** The declared entry that stands for a party, if any: by catalogue id, name, alias or package. */
export function findDeclared(party: Party, declared: readonly DeclaredSdk[]): DeclaredSdk | undefined {
  const sdk = party.sdk;
  const names = new Set<string>();
  if (sdk) {
    names.add(norm(sdk.name));
    names.add(norm(sdk.name.replace(/\(.*?\)/g, "")));
    for (const m of sdk.name.matchAll(/\(([^)]*)\)/g)) names.add(norm(m[1] ?? ""));
    for (const a of sdk.aliases ?? []) names.add(norm(a));
    names.add(norm(sdk.id));
    // Not the vendor: declaring "Tencent" must not cover every Tencent SDK.
    names.delete("");
  }
  const packages = sdk ? sdk.prefixes : party.package ? [party.package] : [];
  return declared.find(
    (d) =>
      (sdk !== undefined && d.id === sdk.id) ||
      names.has(norm(d.name)) ||
      (d.packages ?? []).some((dp) => packages.some((p) => underOrOver(dp, p))),
  );
}

/** What the app's published SDK list and privacy policy disclose, against what was observed. */
export const disclosureFamily: RuleFamily = {
  family: "disclosure",
  rules: [
    {
      id: UNDECLARED_SDK,
      family: "disclosure",
      title: "Third-party SDK collects personal information but is not in the app's SDK list",
      severity: "high",
      description: "A catalogued or unknown third party collected personal data and the app profile's `sdks` list does not name it.",
      references: [REFS.methods2019("5(1)", "providing personal information to third parties through embedded SDKs without consent"), REFS.miit164("SDK collection rules not disclosed to the user")],
    },
    {
      id: SDK_CATEGORY,
      family: "disclosure",
      title: "Declared SDK collects a category its declaration does not list",
      severity: "medium",
      description: "The SDK is in the app's list, with a list of categories, and was seen collecting another one.",
      references: [REFS.methods2019("3(9)", "collecting in breach of the declared collection rules")],
    },
    {
      id: UNDECLARED_USE,
      family: "disclosure",
      title: "Category collected that the privacy policy does not declare",
      severity: "medium",
      description: "A category collected by the app (or an SDK with no declared categories) that the app profile's `uses` does not list.",
      references: [REFS.methods2019("2", "not stating the purpose, manner and scope of collection"), REFS.gdpr("Art. 13", "information to be provided")],
    },
  ],
  params: { [UNDECLARED_SDK]: { schema: {}, defaults: {} }, [SDK_CATEGORY]: { schema: {}, defaults: {} }, [UNDECLARED_USE]: { schema: {}, defaults: {} } },
  create(setup) {
    const profile = setup.profile;
    const on = { sdk: setup.enabled(UNDECLARED_SDK), sdkCat: setup.enabled(SDK_CATEGORY), use: setup.enabled(UNDECLARED_USE) };
    if (!profile) {
      for (const r of [UNDECLARED_SDK, SDK_CATEGORY, UNDECLARED_USE]) if (setup.enabled(r)) setup.skip(r, "no app profile: pass --profile <app-profile.yaml>");
      on.sdk = on.sdkCat = on.use = false;
    } else {
      if (!profile.sdks) {
        for (const r of [UNDECLARED_SDK, SDK_CATEGORY]) if (setup.enabled(r)) setup.skip(r, "the app profile has no `sdks` list");
        on.sdk = on.sdkCat = false;
      }
      if (!profile.uses && on.use) {
        setup.skip(UNDECLARED_USE, "the app profile has no `uses` list");
        on.use = false;
      }
    }
    const declaredSdks = profile?.sdks ?? [];
    const uses = new Set<string>((profile?.uses ?? []).map((u) => u.category));
    // Per party index: its declared entry (null = undeclared), computed once.
    const declaredOf: (DeclaredSdk | null | undefined)[] = [];
    const undeclared = new GroupMap();
    const sdkCats = new GroupMap();
    const useCats = new GroupMap();
    return {
      onEvent(ctx) {
        if (!ctx.collection) return;
        const party = ctx.attr.responsible;
        let d: DeclaredSdk | null | undefined = null;
        if (party.kind === "sdk" || party.kind === "unknown_third_party") {
          d = declaredOf[ctx.partyIdx];
          if (d === undefined) d = declaredOf[ctx.partyIdx] = findDeclared(party, declaredSdks) ?? null;
          if (on.sdk && d === null) {
            const g = undeclared.add(ctx.partyIdx, ctx);
            const cats = ((g.details.categories ??= []) as Category[]);
            if (!cats.includes(ctx.ev.cat)) cats.push(ctx.ev.cat);
          }
          if (on.sdkCat && d?.categories && !d.categories.includes(ctx.ev.cat)) {
            const g = sdkCats.add(partyCatKey(ctx), ctx);
            g.details.declared = d.name;
            g.details.declaredCategories = d.categories;
          }
        }
        if (on.use && !uses.has(ctx.ev.cat) && !(d?.categories?.includes(ctx.ev.cat) ?? false)) {
          useCats.add(partyCatKey(ctx), ctx);
        }
      },
      finish(emit) {
        for (const g of undeclared.map.values()) {
          const c = g.firstCtx!;
          const cats = (g.details.categories as Category[]).map((x) => CATEGORIES[x].label.toLowerCase());
          emit(UNDECLARED_SDK, g, {
            party: c.attr.responsible,
            message: `${c.attr.responsible.name} collected ${cats.join(", ")} (${g.count} call${g.count === 1 ? "" : "s"}) but is not in the app's published SDK list`,
          });
        }
        emitGroups(
          emit,
          SDK_CATEGORY,
          sdkCats,
          (c, g) => `${c.attr.responsible.name} collected ${CATEGORIES[c.ev.cat].label.toLowerCase()} (${g.count} call${g.count === 1 ? "" : "s"}); its declaration lists only ${(g.details.declaredCategories as string[]).join(", ") || "nothing"}`,
          () => ({ scenario: undefined }),
        );
        emitGroups(emit, UNDECLARED_USE, useCats, (c, g) => `${c.attr.responsible.name} collected ${CATEGORIES[c.ev.cat].label.toLowerCase()} (${g.count} call${g.count === 1 ? "" : "s"}), which the privacy policy does not declare`, () => ({ scenario: undefined }));
      },
    };
  },
};
