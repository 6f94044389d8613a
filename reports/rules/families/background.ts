import { GroupMap, partyCatKey } from "../groups.js";
import { claim, emitGroups, readTimes, REFS, type RuleFamily } from "../family.js";
import type { EventContext } from "../types.js";

const BACKGROUND = "background.collection";

interface Params {
  graceMs: number;
  ignoreCategories: string[];
}

/** Since when the app has been in the background (or the screen off) beyond the grace period; null: per the agent's flag. */
function backgroundSince(ctx: EventContext, graceMs: number, useAgentFlag: boolean): number | null | undefined {
  const s = ctx.state;
  const t = ctx.ev.t;
  if (s.foreground === false && s.backgroundSince !== undefined && t - s.backgroundSince > graceMs) return s.backgroundSince;
  if (!s.screenOn && s.screenOffSince !== undefined && t - s.screenOffSince > graceMs) return s.screenOffSince;
  if (useAgentFlag && ctx.ev.fg === false) return null;
  return undefined;
}

/** Collection while no activity of the app is in the foreground, or the screen is off. */
export const backgroundFamily: RuleFamily = {
  family: "background",
  rules: [
    {
      id: BACKGROUND,
      family: "background",
      title: "Personal information collected while the app is in the background",
      severity: "high",
      description: "Reads after the app went to the background or the screen went off (after a short grace period for onPause/onStop work), unless the scenario declares the category is needed in background.",
      references: [
        REFS.miit164("collecting personal information while silent or running in the background without the user's knowledge"),
        REFS.methods2019("4(1)", "collection unrelated to the function the user is using"),
      ],
    },
  ],
  params: {
    [BACKGROUND]: {
      schema: { graceMs: { type: "number", minimum: 0 }, ignoreCategories: { type: "array", items: { $ref: "#/$defs/category" }, uniqueItems: true } },
      defaults: { graceMs: 1000, ignoreCategories: [] },
    },
  },
  claims: true,
  create(setup) {
    const on = setup.enabled(BACKGROUND);
    const p = setup.params<Params>(BACKGROUND);
    const ignore = new Set(p.ignoreCategories);
    const declaredBackground = new Set((setup.profile?.uses ?? []).filter((u) => u.background).map((u) => u.category as string));
    // Without foreground/background or screen markers, fall back on the agent's per-process flag.
    const useAgentFlag = !setup.timeline.hasForegroundMarkers;
    const periods = new Map<number | null, GroupMap>();
    return {
      onEvent(ctx) {
        if (!on || !ctx.collection || ignore.has(ctx.ev.cat)) return;
        const since = backgroundSince(ctx, p.graceMs, useAgentFlag);
        if (since === undefined) return;
        if (ctx.state.scenario?.needsInBackground.has(ctx.ev.cat) || declaredBackground.has(ctx.ev.cat)) return;
        // One group per (party, category) and background period.
        let groups = periods.get(since);
        if (!groups) periods.set(since, (groups = new GroupMap()));
        const g = groups.add(partyCatKey(ctx), ctx);
        claim(ctx, BACKGROUND, g);
        if (g.count === 1) {
          g.details.backgroundSince = since;
          g.details.screenOff = !ctx.state.screenOn;
          if (since === null) g.details.source = "agent foreground flag (the timeline has no foreground/background markers)";
        }
      },
      finish(emit) {
        for (const groups of periods.values()) {
          emitGroups(emit, BACKGROUND, groups, (c, g) => {
            const s = g.details.backgroundSince as number | null;
            const when = s === null ? " (per the agent's foreground flag)" : `, first ${Math.round((g.first - s) / 1000)} s after the app left the foreground`;
            return `${readTimes(c, g)} in background${g.details.screenOff ? " with the screen off" : ""}${when}`;
          });
        }
      },
    };
  },
};
