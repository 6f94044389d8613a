import { OPT_OUT_PURPOSES, type OptOutPurposeId } from "../data/purposes.js";
import type { Category } from "../trace/categories.js";
import type { Marker } from "../trace/format.js";

export type ConsentState = "pending" | "accepted" | "rejected";

export interface ScenarioInfo {
  readonly index: number;
  readonly name: string;
  readonly purpose?: string;
  /** undefined: the scenario declared no needs (the irrelevant-scenario rule does not judge it). */
  readonly needs?: ReadonlySet<Category>;
  readonly needsInBackground: ReadonlySet<Category>;
  readonly start: number;
}

export interface StepInfo {
  readonly scenario: string;
  readonly index: number;
  readonly action?: string;
  readonly label?: string;
  readonly start: number;
}

/** The user's opt-out in force: of which categories, for what purpose, of which parties. */
export interface OptOut {
  readonly t: number;
  readonly categories: ReadonlySet<Category> | "all";
  readonly purpose: OptOutPurposeId;
  /** Party keys it names; absent = the parties its purpose covers. */
  readonly parties?: ReadonlySet<string>;
}

/** The app's situation over an interval of the trace; immutable, shared by every event in it. */
export interface TimelineState {
  readonly start: number;
  readonly consent: ConsentState;
  readonly consentAt?: number;
  /** "all" or the categories opted out of, with when. */
  /** The opt-outs in force, oldest first: they add up (ads off, then analytics off). */
  readonly optOuts: readonly OptOut[];
  /** undefined until a foreground/background marker says. */
  readonly foreground?: boolean;
  readonly backgroundSince?: number;
  readonly screenOn: boolean;
  readonly screenOffSince?: number;
  readonly scenario?: ScenarioInfo;
  readonly step?: StepInfo;
  /** App runs: 0 before the first launch marker, +1 at each launch. */
  readonly run: number;
  readonly launchAt: number;
  /** Permissions currently denied or revoked, with the time of the denial. */
  readonly denied: ReadonlyMap<string, number>;
}

export interface Screenshot {
  readonly t: number;
  readonly path: string;
}

/**
 * The trace's timeline as a sequence of states, each valid from its `start` until the next.
 * Built once from the markers; `at(t)` is a cursor look-up, O(1) for events in time order.
 */
export class Timeline {
  readonly states: TimelineState[] = [];
  readonly scenarios: ScenarioInfo[] = [];
  readonly screenshots: Screenshot[] = [];
  /** The index of the scenario each screenshot was taken in (undefined: outside any). */
  private readonly shotScenario: (number | undefined)[] = [];
  private readonly shotsByScenario = new Map<number, Screenshot[]>();
  readonly consentMarkers: number;
  readonly hasForegroundMarkers: boolean;
  private cursor = 0;

  constructor(markers: readonly Marker[], initialConsent: ConsentState) {
    let s: TimelineState = { start: -Infinity, consent: initialConsent, screenOn: true, run: 0, launchAt: 0, denied: new Map(), optOuts: [] };
    this.states.push(s);
    let consentMarkers = 0;
    let fgMarkers = false;
    const put = (next: TimelineState): void => {
      const last = this.states[this.states.length - 1];
      if (last && last.start === next.start) this.states[this.states.length - 1] = next;
      else this.states.push(next);
      s = next;
    };
    for (const m of markers) {
      const t = m.t;
      switch (m.kind) {
        case "app_launch":
          put({ ...s, start: t, run: s.run + 1, launchAt: t, foreground: true, backgroundSince: undefined });
          break;
        case "consent_shown":
        case "consent_reset":
          consentMarkers++;
          // consent_reset is the app's data cleared (pm clear): runtime permissions are reset too.
          put({ ...s, start: t, consent: "pending", consentAt: t, optOuts: m.kind === "consent_reset" ? [] : s.optOuts, denied: m.kind === "consent_reset" ? new Map() : s.denied });
          break;
        case "consent_accepted":
          consentMarkers++;
          put({ ...s, start: t, consent: "accepted", consentAt: t });
          break;
        case "consent_rejected":
          consentMarkers++;
          put({ ...s, start: t, consent: "rejected", consentAt: t });
          break;
        case "opt_out": {
          // A purpose this version does not know (a misspelt or newer one) is left out, never
          // widened to all: the report warns about it (reports/warnings.ts).
          if (m.purpose !== undefined && !Object.hasOwn(OPT_OUT_PURPOSES, m.purpose)) break;
          const parties = Array.isArray(m.parties) ? m.parties.filter((p): p is string => typeof p === "string") : [];
          const out: OptOut = {
            t,
            categories: m.categories && m.categories.length > 0 ? new Set(m.categories) : "all",
            purpose: (m.purpose as OptOutPurposeId | undefined) ?? "all",
            ...(parties.length > 0 ? { parties: new Set(parties) } : {}),
          };
          put({ ...s, start: t, optOuts: [...s.optOuts, out] });
          break;
        }
        case "foreground":
          fgMarkers = true;
          put({ ...s, start: t, foreground: true, backgroundSince: undefined });
          break;
        case "background":
          fgMarkers = true;
          put({ ...s, start: t, foreground: false, backgroundSince: t });
          break;
        case "screen_off":
          put({ ...s, start: t, screenOn: false, screenOffSince: t });
          break;
        case "screen_on":
          put({ ...s, start: t, screenOn: true, screenOffSince: undefined });
          break;
        case "scenario_start": {
          const info: ScenarioInfo = {
            index: this.scenarios.length,
            name: m.scenario ?? `scenario ${this.scenarios.length + 1}`,
            ...(m.purpose ? { purpose: m.purpose } : {}),
            ...(m.needs ? { needs: new Set(m.needs) } : {}),
            needsInBackground: new Set(m.needsInBackground ?? []),
            start: t,
          };
          this.scenarios.push(info);
          put({ ...s, start: t, scenario: info, step: undefined });
          break;
        }
        case "scenario_end":
          put({ ...s, start: t, scenario: undefined, step: undefined });
          break;
        case "step_start":
          put({
            ...s,
            start: t,
            step: { scenario: m.scenario ?? s.scenario?.name ?? "", index: m.step ?? 0, ...(m.action ? { action: m.action } : {}), ...(m.label ? { label: m.label } : {}), start: t },
          });
          break;
        case "permission_dialog_answered":
        case "permission_result":
        case "permission_granted":
        case "permission_revoked": {
          const perms = m.permissions ?? [];
          // A dialog answered without a known answer changes nothing.
          if (perms.length === 0 || (m.kind === "permission_dialog_answered" && m.answer === undefined)) break;
          const deny =
            m.kind === "permission_revoked" ||
            (m.kind === "permission_dialog_answered" && (m.answer === "deny" || m.answer === "deny_dont_ask")) ||
            (m.kind === "permission_result" && m.granted === false);
          const denied = new Map(s.denied);
          for (const p of perms) {
            if (deny) denied.set(p, t);
            else denied.delete(p);
          }
          put({ ...s, start: t, denied });
          break;
        }
        case "step_end":
          if (s.step && (m.step === undefined || m.step === s.step.index)) put({ ...s, start: t, step: undefined });
          break;
        case "screenshot":
          if (m.path) {
            this.screenshots.push({ t, path: m.path });
            this.shotScenario.push(s.scenario?.index);
          }
          break;
        default:
          break;
      }
    }
    this.consentMarkers = consentMarkers;
    this.hasForegroundMarkers = fgMarkers;
  }

  /** The state in force at time t (markers at exactly t apply). */
  at(t: number): TimelineState {
    const states = this.states;
    let i = this.cursor;
    const cur = states[i]!;
    if (t >= cur.start) {
      const next = states[i + 1];
      if (next === undefined || t < next.start) return cur;
      while (i + 1 < states.length && states[i + 1]!.start <= t) i++;
    } else {
      let lo = 0;
      let hi = i;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (states[mid]!.start <= t) lo = mid;
        else hi = mid - 1;
      }
      i = lo;
    }
    this.cursor = i;
    return states[i]!;
  }

  /** Screenshots a scenario's finding may cite: its own and those outside any scenario (once per scenario: many findings ask). */
  private shotsIn(index: number): Screenshot[] {
    let shots = this.shotsByScenario.get(index);
    if (!shots) this.shotsByScenario.set(index, (shots = this.screenshots.filter((_, i) => this.shotScenario[i] === undefined || this.shotScenario[i] === index)));
    return shots;
  }

  /**
   * The screenshot nearest to t, if any; within a scenario, never another scenario's: the
   * previous scenario's last screen shows another situation than the finding's.
   */
  nearestScreenshot(t: number, scenario?: ScenarioInfo): Screenshot | undefined {
    const shots = scenario ? this.shotsIn(scenario.index) : this.screenshots;
    if (shots.length === 0) return undefined;
    let lo = 0;
    let hi = shots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (shots[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    const after = shots[lo]!;
    const before = lo > 0 ? shots[lo - 1]! : undefined;
    return before && t - before.t <= after.t - t ? before : after;
  }
}
