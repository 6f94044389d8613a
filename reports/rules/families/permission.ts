import { groupLabel, permissionCategories, permissionGroup } from "../../data/permissions.js";
import { Group, GroupMap } from "../groups.js";
import { REFS, type RuleFamily } from "../family.js";
import type { EventContext } from "../types.js";

const BUNDLED = "permission.bundled_at_launch";
const REREQUEST = "permission.rerequest_after_denial";
const UNNEEDED = "permission.request_unneeded";

interface BundleParams {
  windowSec: number;
  maxGroups: number;
}

/** Permission-request behaviour: bundling at launch, nagging after a denial, asking out of context. */
export const permissionFamily: RuleFamily = {
  family: "permission",
  rules: [
    {
      id: BUNDLED,
      family: "permission",
      title: "Several permission groups requested at once at launch",
      severity: "medium",
      description: "Requests in the first seconds after a launch that together cover more permission groups than the limit.",
      references: [REFS.methods2019("4(6)", "requiring the user to agree to open several permissions at once"), REFS.miit164("requesting permissions all at once at start-up (过度索取权限)")],
    },
    {
      id: REREQUEST,
      family: "permission",
      title: "Denied permission requested again",
      severity: "high",
      description: "A request for a permission (or one of its group) that the user denied, within the window after the denial — including on relaunch.",
      references: [
        REFS.methods2019("3(2)", "frequently asking for consent after the user refused, disturbing normal use"),
        REFS.miit164("requesting a permission again after the user explicitly refused (频繁申请权限)"),
        REFS.store("Xiaomi / vivo", "a denied permission must not be requested again within 48 hours"),
      ],
    },
    {
      id: UNNEEDED,
      family: "permission",
      title: "Permission requested in a scenario that does not need it",
      severity: "medium",
      description: "A request whose permission guards no category the current scenario needs. Scenarios without a `needs` list are not judged.",
      references: [REFS.miit164("requesting contacts, location, SMS, microphone, camera… permissions unrelated to the current service scenario")],
    },
  ],
  params: {
    [BUNDLED]: { schema: { windowSec: { type: "number", exclusiveMinimum: 0 }, maxGroups: { type: "integer", minimum: 1 } }, defaults: { windowSec: 10, maxGroups: 1 } },
    [REREQUEST]: { schema: { windowHours: { type: "number", exclusiveMinimum: 0 } }, defaults: { windowHours: 48 } },
    [UNNEEDED]: { schema: {}, defaults: {} },
  },
  create(setup) {
    const on = { bundled: setup.enabled(BUNDLED), rerequest: setup.enabled(REREQUEST), unneeded: setup.enabled(UNNEEDED) };
    const bundle = setup.params<BundleParams>(BUNDLED);
    const windowMs = setup.params<{ windowHours: number }>(REREQUEST).windowHours * 3_600_000;
    const atLaunch = new Map<number, { group: Group; groups: Set<string>; permissions: Set<string> }>();
    const rerequests = new GroupMap();
    const unneeded = new GroupMap();

    function onRequest(ctx: EventContext): void {
      const { state, ev } = ctx;
      const perms = ev.req ?? [];
      if (on.bundled && ev.t - state.launchAt <= bundle.windowSec * 1000) {
        let b = atLaunch.get(state.run);
        if (!b) atLaunch.set(state.run, (b = { group: new Group(), groups: new Set(), permissions: new Set() }));
        b.group.add(ctx);
        for (const p of perms) {
          b.permissions.add(p);
          b.groups.add(permissionGroup(p) ?? p);
        }
      }
      if (on.rerequest && state.denied.size > 0) {
        // One request for two permissions of a denied group is one re-request, not two.
        const counted = new Set<string>();
        for (const p of perms) {
          const g = permissionGroup(p);
          if (counted.has(g ?? p)) continue;
          for (const [denied, at] of state.denied) {
            if (ev.t - at > windowMs) continue;
            if (denied !== p && (g === null || permissionGroup(denied) !== g)) continue;
            counted.add(g ?? p);
            const grp = rerequests.add(`${ctx.partyIdx}|${g ?? p}`, ctx);
            grp.details.permission ??= p;
            grp.details.denied ??= denied;
            grp.details.deniedAt ??= at;
            const relaunches = state.run - setup.timeline.at(at).run;
            grp.details.relaunches = Math.max(Number(grp.details.relaunches ?? 0), relaunches);
            break;
          }
        }
      }
      const needs = state.scenario?.needs;
      if (on.unneeded && needs !== undefined) {
        for (const p of perms) {
          const cats = permissionCategories(p);
          if (cats.length === 0 || cats.some((c) => needs.has(c))) continue;
          const g = unneeded.add(`${ctx.partyIdx}|${p}|${state.scenario!.index}`, ctx);
          g.details.permission = p;
          g.details.needs = [...needs];
        }
      }
    }

    return {
      onEvent(ctx) {
        if (ctx.ev.cat === "permission_request") onRequest(ctx);
      },
      finish(emit) {
        for (const [run, b] of atLaunch) {
          if (b.groups.size <= bundle.maxGroups) continue;
          const c = b.group.firstCtx!;
          b.group.details = { run, groups: [...b.groups], permissions: [...b.permissions], windowSec: bundle.windowSec, maxGroups: bundle.maxGroups };
          emit(BUNDLED, b.group, {
            party: c.attr.responsible,
            category: "permission_request",
            scenario: c.state.scenario?.name,
            message: `${b.groups.size} permission groups requested within ${bundle.windowSec} s of launch (${[...b.groups].map(groupLabel).join(", ")}); limit ${bundle.maxGroups}`,
          });
        }
        for (const g of rerequests.map.values()) {
          const c = g.firstCtx!;
          const hours = (c.ev.t - Number(g.details.deniedAt)) / 3_600_000;
          emit(REREQUEST, g, {
            party: c.attr.responsible,
            category: "permission_request",
            scenario: c.state.scenario?.name,
            message: `${c.attr.responsible.name} requested ${String(g.details.permission)} ${g.count} time(s) after ${String(g.details.denied)} was denied (first ${later(hours)})`,
          });
        }
        for (const g of unneeded.map.values()) {
          const c = g.firstCtx!;
          emit(UNNEEDED, g, {
            party: c.attr.responsible,
            category: "permission_request",
            scenario: c.state.scenario?.name,
            message: `${c.attr.responsible.name} requested ${String(g.details.permission)} in scenario '${c.state.scenario?.name ?? ""}', which does not need it`,
          });
        }
      },
    };
  },
};

/** A delay in words: at once, seconds under a minute, minutes under an hour, hours after. */
function later(hours: number): string {
  const s = hours * 3600;
  if (s < 0.1) return "at once";
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s later`;
  return hours < 1 ? `${Math.round(hours * 60)} min later` : `${hours.toFixed(1)} h later`;
}
