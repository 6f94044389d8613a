import { appType } from "../../data/app-types.js";
import { CATEGORIES } from "../../trace/categories.js";
import { GroupMap, partyCatKey } from "../groups.js";
import { emitGroups, readTimes, REFS, type RuleFamily } from "../family.js";

const BEYOND = "necessity.beyond_app_type";

/**
 * The 39-type table: personal data a type's basic function does not need. Informational by
 * default: collecting more is allowed for extended functions with separate consent, so this
 * flags what an inspector should check, not a violation by itself.
 */
export const necessityFamily: RuleFamily = {
  family: "necessity",
  rules: [
    {
      id: BEYOND,
      family: "necessity",
      title: "Personal information beyond what the app type's basic function needs",
      severity: "low",
      description: "A data category read that the 39-type table does not list as necessary for the app's type (as observable on the device). Check that it serves an extended function the user opted into.",
      references: [REFS.necessary2021("apps may not refuse basic functions when the user declines non-necessary personal information"), REFS.methods2019("4(2)", "refusing a function because the user declines non-necessary information")],
    },
  ],
  params: { [BEYOND]: { schema: {}, defaults: {} } },
  create(setup) {
    const on = setup.enabled(BEYOND);
    const type = setup.profile?.appType !== undefined ? appType(setup.profile.appType) : undefined;
    if (on && !type) setup.skip(BEYOND, setup.profile ? "the app profile names no appType" : "no app profile: pass --profile <app-profile.yaml>");
    const necessary = new Set<string>(type?.observableNecessary ?? []);
    const groups = new GroupMap();
    return {
      onEvent(ctx) {
        if (!on || !type || !ctx.collection || CATEGORIES[ctx.ev.cat].class !== "data" || necessary.has(ctx.ev.cat)) return;
        groups.add(partyCatKey(ctx), ctx);
      },
      finish(emit) {
        if (!type) return;
        const t = type;
        const appType = { id: t.id, name: t.name, nameZh: t.nameZh, necessary: t.observableNecessary };
        emitGroups(
          emit,
          BEYOND,
          groups,
          (c, g) => `${readTimes(c, g)}; a ${t.name} (${t.nameZh}) app needs ${t.observableNecessary.join(", ") || "no device-observable personal data"} for its basic function`,
          () => ({ scenario: undefined, details: { appType } }),
        );
      },
    };
  },
};
