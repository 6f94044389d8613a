import { GroupMap, partyCatKey, type Group } from "../groups.js";
import { emitGroups, readTimes, REFS, type RuleFamily } from "../family.js";

const UNNEEDED = "scenario.unneeded_category";

/** Collection of a category the current scenario does not declare it needs. */
export const scenarioFamily: RuleFamily = {
  family: "scenario",
  rules: [
    {
      id: UNNEEDED,
      family: "scenario",
      title: "Personal information collected in a scenario that does not need it",
      severity: "medium",
      description: "A category read during a scenario whose `needs` list does not contain it. Scenarios without a `needs` list are not judged.",
      references: [
        REFS.methods2019("4(1)", "collected information or opened permissions unrelated to the current business function"),
        REFS.miit164("collecting personal information beyond what the service scenario requires (超范围收集)"),
        REFS.gdpr("Art. 5(1)(c)", "data minimisation"),
      ],
    },
  ],
  params: {
    [UNNEEDED]: {
      schema: { ignoreCategories: { type: "array", items: { $ref: "#/$defs/category" }, uniqueItems: true } },
      defaults: { ignoreCategories: [] },
    },
  },
  create(setup) {
    const on = setup.enabled(UNNEEDED);
    const ignore = new Set(setup.params<{ ignoreCategories: string[] }>(UNNEEDED).ignoreCategories);
    if (on && !setup.timeline.scenarios.some((s) => s.needs !== undefined)) {
      setup.skip(UNNEEDED, "no scenario in the trace declares the categories it needs");
    }
    const groups = new GroupMap();
    // A call site's group in the scenario it last had one in (a site fixes party and category).
    const siteGroup: Group[] = [];
    const siteScenario: number[] = [];
    return {
      onEvent(ctx) {
        if (!on || !ctx.collection) return;
        const scenario = ctx.state.scenario;
        const needs = scenario?.needs;
        if (needs === undefined || needs.has(ctx.ev.cat) || ignore.has(ctx.ev.cat)) return;
        const site = ctx.siteIdx;
        let g = siteScenario[site] === scenario!.index ? siteGroup[site] : undefined;
        if (g === undefined) {
          g = groups.get(partyCatKey(ctx, scenario!.index));
          siteGroup[site] = g;
          siteScenario[site] = scenario!.index;
        }
        g.add(ctx);
      },
      finish(emit) {
        emitGroups(
          emit,
          UNNEEDED,
          groups,
          (c, g) => `${readTimes(c, g)} in scenario '${c.state.scenario!.name}', which needs ${[...c.state.scenario!.needs!].join(", ") || "no personal data"}`,
          (c) => ({ details: { needs: [...c.state.scenario!.needs!] } }),
        );
      },
    };
  },
};
