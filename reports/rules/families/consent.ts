import { GroupMap, partyCatKey } from "../groups.js";
import { claim, emitGroups, readTimes, REFS, type RuleFamily } from "../family.js";
import type { EventContext } from "../types.js";

const COLLECTION = "consent.pre_consent_collection";
const REQUEST = "consent.pre_consent_permission_request";

function key(ctx: EventContext): number {
  return partyCatKey(ctx, ctx.state.scenario?.index ?? -1);
}

/**
 * Collection and permission requests before the user accepted the privacy policy.
 * Zero tolerance: one call is a finding. Reading only the app's own data (`own`) is not collection.
 */
export const consentFamily: RuleFamily = {
  family: "consent",
  rules: [
    {
      id: COLLECTION,
      family: "consent",
      title: "Personal information collected before the privacy policy was accepted",
      severity: "high",
      description: "Any read of a personal-data category while the privacy policy is shown or not yet answered.",
      references: [
        REFS.methods2019("3(1)", "collecting personal information, or opening permissions that can collect it, before the user consents"),
        REFS.miit164("APP/SDK collecting personal information before the user agrees to the privacy policy"),
        REFS.pipl("Art. 13–14", "processing needs consent given freely and explicitly, on full information"),
      ],
    },
    {
      id: REQUEST,
      family: "consent",
      title: "Permission requested before the privacy policy was accepted",
      severity: "high",
      description: "A runtime permission request while consent is pending.",
      references: [REFS.methods2019("3(1)", "opening permissions that can collect personal information before the user consents")],
    },
  ],
  params: {
    [COLLECTION]: {
      schema: { ignoreCategories: { type: "array", items: { $ref: "#/$defs/category" }, uniqueItems: true } },
      defaults: { ignoreCategories: [] },
    },
    [REQUEST]: { schema: {}, defaults: {} },
  },
  claims: true,
  create(setup) {
    const collect = setup.enabled(COLLECTION);
    const request = setup.enabled(REQUEST);
    const ignore = new Set(setup.params<{ ignoreCategories: string[] }>(COLLECTION).ignoreCategories);
    const collected = new GroupMap();
    const requested = new GroupMap();
    return {
      onEvent(ctx) {
        if (ctx.state.consent !== "pending") return;
        if (collect && ctx.collection && !ignore.has(ctx.ev.cat)) claim(ctx, COLLECTION, collected.add(key(ctx), ctx));
        else if (request && ctx.ev.cat === "permission_request") {
          const g = requested.add(key(ctx), ctx);
          const perms = (g.details.permissions ??= []) as string[];
          for (const p of ctx.ev.req ?? []) if (!perms.includes(p) && perms.length < 32) perms.push(p);
        }
      },
      finish(emit) {
        emitGroups(emit, COLLECTION, collected, (c, g) => `${readTimes(c, g)} before the privacy policy was accepted`);
        emitGroups(emit, REQUEST, requested, (c, g) => {
          const perms = (g.details.permissions as string[] | undefined) ?? [];
          return `${c.attr.responsible.name} requested ${perms.join(", ") || "a permission"} before the privacy policy was accepted`;
        });
      },
    };
  },
};
