import type { DeclaredSdk } from "../../profile.js";
import type { Party } from "../../sdk/attribution.js";
import { LIBRARIES, SDK_FAMILIES } from "../../sdk/catalogue/index.js";
import { DeclaredList, NameIndex, resolveDeclared } from "../../sdk/declared.js";
import { CATEGORIES, type Category } from "../../trace/categories.js";
import { GroupMap, partyCatKey } from "../groups.js";
import { emitGroups, REFS, type RuleFamily } from "../family.js";

const UNDECLARED_SDK = "disclosure.undeclared_sdk";
const SDK_CATEGORY = "disclosure.sdk_undeclared_category";
const UNDECLARED_USE = "disclosure.undeclared_category";

const MAX_CHAINS = 8;

/** Counts one call's chain in a finding's details (`chains`: up to MAX_CHAINS paths) and the declared SDK that led it. */
function noteChain(details: Record<string, unknown>, via: readonly Party[], list: DeclaredList<DeclaredSdk>): void {
  const chains = (details.chains ??= []) as { via: string[]; calls: number }[];
  const names = via.map((p) => p.name);
  const known = chains.find((c) => c.via.length === names.length && c.via.every((n, i) => n === names[i]));
  if (known) {
    known.calls++;
    return;
  }
  if (chains.length >= MAX_CHAINS) return;
  chains.push({ via: names, calls: 1 });
  const leader = declaredLeader(via, list);
  if (!leader) return;
  const led = (details.ledBy ??= []) as { party: string; declaredAs: string }[];
  if (!led.some((l) => l.party === leader.party.name)) led.push({ party: leader.party.name, declaredAs: leader.declared.name });
}

/** The outermost party of the chain that the app's list declares: the SDK the app integrated that led to this one. */
function declaredLeader(via: readonly Party[], list: DeclaredList<DeclaredSdk>): { party: Party; declared: DeclaredSdk } | undefined {
  for (let i = via.length - 1; i >= 0; i--) {
    const m = list.find(via[i]!);
    if (m) return { party: via[i]!, declared: m.declared };
  }
  return undefined;
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
    const list = new DeclaredList(resolveDeclared(profile?.sdks ?? [], new NameIndex([...setup.catalogue, ...LIBRARIES], SDK_FAMILIES)).resolved);
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
          if (d === undefined) d = declaredOf[ctx.partyIdx] = list.find(party)?.declared ?? null;
          if (on.sdk && d === null) {
            const g = undeclared.add(ctx.partyIdx, ctx);
            const cats = ((g.details.categories ??= []) as Category[]);
            if (!cats.includes(ctx.ev.cat)) cats.push(ctx.ev.cat);
            // Every path that led to it (via AdMob as well as via MAX), each with its calls, and the declared SDKs that led.
            if (ctx.attr.via.length > 0) noteChain(g.details, ctx.attr.via, list);
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
          const led = (g.details.ledBy as { party: string; declaredAs: string }[] | undefined) ?? [];
          const ledText = led.map((l) => `${l.party} (listed as '${l.declaredAs}')`).join(" and ");
          emit(UNDECLARED_SDK, g, {
            party: c.attr.responsible,
            message: `${c.attr.responsible.name} collected ${cats.join(", ")} (${g.count} call${g.count === 1 ? "" : "s"}) but is not in the app's published SDK list${led.length > 0 ? `; the declared ${ledText} led to it` : ""}`,
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
