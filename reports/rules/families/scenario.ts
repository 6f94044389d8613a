import { CATEGORIES } from "../../trace/categories.js";
import { GroupMap, partyCatKey, type Group } from "../groups.js";
import { readTimes, REFS, type RuleFamily } from "../family.js";
import { severityRank } from "../types.js";

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
      description: "A category read during a scenario whose `needs` list does not contain it. Scenarios without a `needs` list are not judged. One finding per party, category and API across scenarios, listing each scenario; a call a stronger rule already reports (before consent, after a refusal, in the background) is counted in that finding instead.",
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
    const mine = severityRank(setup.severity(UNNEEDED));
    // One group per party × category × hook across scenarios, with its occurrence in each scenario.
    const groups = new GroupMap();
    const occurrences = new Map<Group, Map<number, Occurrence>>();
    // Calls a stronger moment rule reported: counted towards that finding, by its group.
    const linked = new Map<object, { count: number; scenarios: Set<string> }>();
    const siteGroup: Group[] = [];
    const siteOcc: Occurrence[] = [];
    return {
      onEvent(ctx) {
        if (!on || !ctx.collection) return;
        const scenario = ctx.state.scenario;
        const needs = scenario?.needs;
        if (scenario === undefined || needs === undefined || needs.has(ctx.ev.cat) || ignore.has(ctx.ev.cat)) return;
        const c = ctx.claim;
        if (c && severityRank(setup.severity(c.rule)) > mine) {
          let l = linked.get(c.group);
          if (!l) linked.set(c.group, (l = { count: 0, scenarios: new Set() }));
          l.count++;
          l.scenarios.add(scenario.name);
          return;
        }
        // A call site fixes party, category and hook: its group and current occurrence are cached
        // by site, so the common case (the same site again in the same scenario) hashes nothing.
        const site = ctx.siteIdx;
        let g = siteGroup[site];
        if (g === undefined) siteGroup[site] = g = groups.get(partyCatKey(ctx, ctx.hookIdx));
        g.add(ctx);
        let o = siteOcc[site];
        if (o === undefined || o.index !== scenario.index) {
          let byScenario = occurrences.get(g);
          if (!byScenario) occurrences.set(g, (byScenario = new Map()));
          o = byScenario.get(scenario.index);
          if (!o) byScenario.set(scenario.index, (o = { index: scenario.index, scenario: scenario.name, needs: [...needs], count: 0, start: ctx.ev.t, end: ctx.ev.t, firstEvent: ctx.ev.seq }));
          siteOcc[site] = o;
        }
        o.count++;
        o.end = ctx.ev.t;
      },
      finish(emit, link) {
        for (const [group, l] of linked) link(group, { rule: UNNEEDED, count: l.count, scenarios: [...l.scenarios] });
        for (const g of groups.map.values()) {
          const c = g.firstCtx!;
          const occ = [...occurrences.get(g)!.values()].map(({ index: _index, ...o }) => o);
          const what = CATEGORIES[c.ev.cat].label.toLowerCase();
          if (occ.length === 1) {
            emit(UNNEEDED, g, { party: c.attr.responsible, category: c.ev.cat, scenario: occ[0]!.scenario, message: `${readTimes(c, g)} in scenario '${occ[0]!.scenario}', which needs ${occ[0]!.needs.join(", ") || "no personal data"}`, details: { needs: occ[0]!.needs, hook: c.ev.hook } });
            continue;
          }
          const list = occ.map((o) => `'${o.scenario}' (${o.count})`).join(", ");
          emit(UNNEEDED, g, {
            party: c.attr.responsible,
            category: c.ev.cat,
            scenarios: occ.map((o) => o.scenario),
            message: `${c.attr.responsible.name} read ${what} ${g.count} time(s) in ${occ.length} scenarios that do not need it: ${list}`,
            details: { hook: c.ev.hook, occurrences: occ },
          });
        }
      },
    };
  },
};

/** One scenario's share of a grouped finding. */
interface Occurrence {
  readonly index: number;
  readonly scenario: string;
  readonly needs: readonly string[];
  count: number;
  readonly start: number;
  end: number;
  readonly firstEvent: number;
}
