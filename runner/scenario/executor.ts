import type { Marker } from "../../reports/trace/format.js";
import type { Scenario, Step } from "./load.js";
import { stepNumber } from "../../reports/render/step-number.js";
import { optOutMarker } from "./opt-out.js";
import { durationMs } from "./steps.js";
import type { UiDriver } from "./ui.js";

export interface ElementSelector {
  readonly text?: string;
  readonly id?: string;
  readonly accessibilityId?: string;
  readonly index?: number;
  readonly timeout?: number | string;
}

/** What the executor needs from the device side (adb and the frida session), apart from the UI. */
export interface DeviceActions {
  /** Cold start with the agent loaded (frida spawn); `clearData` first wipes the app's data. */
  launch(clearData: boolean): Promise<void>;
  back(): Promise<void>;
  /** Home screen, then back to the app. */
  home(): Promise<void>;
  bringToFront(): Promise<void>;
  screenOff(): Promise<void>;
  screenOn(): Promise<void>;
  grant(permission: string): Promise<void>;
  revoke(permission: string): Promise<void>;
}

export interface ExecutorContext {
  readonly ui: UiDriver;
  readonly device: DeviceActions;
  /** Writes a timeline marker (the trace writer flushes on it). */
  mark(marker: Marker): void;
  /** The trace clock, ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Stores a screenshot; returns its path relative to the trace directory. */
  saveScreenshot(name: string, pngBase64: string): string;
  /** Default time to wait for an element. */
  readonly findTimeoutMs?: number;
  /** Why the scenario cannot go on (the app died), checked before every step and after it. */
  aborted?(): string | undefined;
  /** Lets news of a process's death arrive before `aborted` is asked after a step (frida reports it asynchronously). */
  settle?(): Promise<void>;
  /** Runs after every step (the runner re-checks the clock there and reports progress); `step` is 0-based, as in the markers. */
  afterStep?(scenario: string, step: number, action: string, status: "ok" | "failed"): Promise<void> | void;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly status: "ok" | "failed";
  readonly steps: number;
  /** `step` is the trace's 0-based index (its markers'): show it as stepNumber(step). */
  readonly failure?: { readonly step: number; readonly action: string; readonly line: number; readonly error: string };
}

/** The usual privacy-policy button wordings, tried in order when a consent step names none. */
export const CONSENT_WORDINGS = {
  accept: ["同意并继续", "同意并进入", "我同意", "同意", "Agree and continue", "Agree", "Accept", "I agree"],
  reject: ["不同意并退出", "暂不同意", "不同意", "拒绝", "Disagree", "Decline", "Reject"],
} as const;

const PC = "com.android.permissioncontroller:id/";
const PI = "com.android.packageinstaller:id/";
/** The system permission dialog's buttons, by answer: ids of the permission controller, then texts. */
export const DIALOG_BUTTONS = {
  allow: { ids: [`${PC}permission_allow_foreground_only_button`, `${PC}permission_allow_button`, `${PC}permission_allow_one_time_button`, `${PI}permission_allow_button`], texts: ["While using the app", "Allow", "仅在使用该应用期间允许", "允许"] },
  deny: { ids: [`${PC}permission_deny_button`, `${PI}permission_deny_button`], texts: ["Don’t allow", "Don't allow", "Deny", "拒绝", "禁止"] },
  deny_dont_ask: { ids: [`${PC}permission_deny_and_dont_ask_again_button`, `${PC}permission_deny_button`], texts: ["Don’t allow", "Don't allow", "Deny & don’t ask again", "拒绝且不再询问"] },
} as const;

class StepFailure extends Error {}

function selectorOf(v: unknown): ElementSelector {
  return typeof v === "string" ? { text: v } : (v as ElementSelector);
}

function label(step: Step): string | undefined {
  const p = step.params;
  if (p === undefined) return undefined;
  if (typeof p === "string" || typeof p === "number") return String(p);
  return JSON.stringify(p);
}

function permission(p: string): string {
  return p.includes(".") ? p : `android.permission.${p}`;
}

/**
 * Runs one scenario: every step's start and end are markers, with a screenshot at its end;
 * steps that change what the rules read (consent, background, screen, permissions, opt-out) also
 * write their markers. The first failing step ends the scenario, which is marked failed.
 */
export async function runScenario(scenario: Scenario, ctx: ExecutorContext): Promise<ScenarioResult> {
  const timeout = ctx.findTimeoutMs ?? 10_000;
  let index = 0;
  ctx.mark({ t: ctx.now(), kind: "scenario_start", scenario: scenario.name, purpose: scenario.purpose, needs: [...scenario.needs], needsInBackground: [...scenario.needsInBackground] });

  const find = async (sel: ElementSelector): Promise<string> => {
    const el = await ctx.ui.find(sel, sel.timeout !== undefined ? durationMs(sel.timeout) : timeout);
    if (el === null) throw new StepFailure(`no element ${JSON.stringify(sel)} on screen`);
    return el;
  };
  const firstOf = async (sels: ElementSelector[], what: string, waitMs = timeout): Promise<string> => {
    // Every candidate is looked at in every round, until the deadline: a button that appears
    // late is found whichever wording it has.
    const deadline = Date.now() + waitMs;
    for (;;) {
      for (const s of sels) {
        const el = await ctx.ui.find(s, 0);
        if (el !== null) return el;
      }
      if (Date.now() >= deadline) throw new StepFailure(`no ${what} on screen`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  async function perform(step: Step): Promise<void> {
    const p = step.params;
    switch (step.action) {
      case "launch": {
        const o = (p ?? {}) as { clearData?: boolean; wait?: number | string };
        if (o.clearData) ctx.mark({ t: ctx.now(), kind: "consent_reset" });
        // The device writes app_launch itself, before the app's code runs.
        await ctx.device.launch(o.clearData === true);
        if (o.wait !== undefined) await ctx.sleep(durationMs(o.wait));
        return;
      }
      case "consent": {
        const o = typeof p === "string" ? { answer: p as "accept" | "reject" } : (p as { answer: "accept" | "reject"; text?: string; id?: string; timeout?: number | string });
        const sels: ElementSelector[] = "text" in o && o.text ? [{ text: o.text }] : "id" in o && o.id ? [{ id: o.id }] : CONSENT_WORDINGS[o.answer].map((text) => ({ text }));
        const wait = "timeout" in o && o.timeout !== undefined ? durationMs(o.timeout) : timeout;
        await ctx.ui.click(await firstOf(sels, `${o.answer} button of the privacy policy (${sels.map((s) => s.text ?? s.id).join(" / ")})`, wait));
        ctx.mark({ t: ctx.now(), kind: o.answer === "accept" ? "consent_accepted" : "consent_rejected" });
        return;
      }
      case "tapOn":
        await ctx.ui.click(await find(selectorOf(p)));
        return;
      case "inputText": {
        const o = p as { into?: unknown; text: string };
        await ctx.ui.type(o.into === undefined ? null : await find(selectorOf(o.into)), o.text);
        return;
      }
      case "swipe":
      case "scroll": {
        const o = (typeof p === "string" ? { direction: p } : (p ?? {})) as { direction?: "up" | "down" | "left" | "right"; until?: unknown; max?: number };
        const direction = o.direction ?? "down";
        // Content moves opposite to the finger: scrolling down is an upward swipe.
        const finger = step.action === "scroll" ? ({ up: "down", down: "up", left: "right", right: "left" } as const)[direction] : direction;
        if (o.until === undefined) return void (await ctx.ui.swipe(finger));
        for (let i = 0; i < (o.max ?? 10); i++) {
          if ((await ctx.ui.find(selectorOf(o.until), 0)) !== null) return;
          await ctx.ui.swipe(finger);
        }
        if ((await ctx.ui.find(selectorOf(o.until), 0)) === null) throw new StepFailure(`scrolled ${o.max ?? 10} times without finding ${JSON.stringify(o.until)}`);
        return;
      }
      case "back":
        return void (await ctx.device.back());
      case "assertVisible":
        await find(selectorOf(p));
        return;
      case "wait":
        return void (await ctx.sleep(durationMs(p as number | string)));
      case "background":
        await ctx.device.home();
        ctx.mark({ t: ctx.now(), kind: "background" });
        await ctx.sleep(durationMs(p as number | string));
        await ctx.device.bringToFront();
        ctx.mark({ t: ctx.now(), kind: "foreground" });
        return;
      case "lock":
        await ctx.device.screenOff();
        ctx.mark({ t: ctx.now(), kind: "screen_off" });
        if (p !== undefined) {
          await ctx.sleep(durationMs(p as number | string));
          await ctx.device.screenOn();
          ctx.mark({ t: ctx.now(), kind: "screen_on" });
        }
        return;
      case "unlock":
        await ctx.device.screenOn();
        ctx.mark({ t: ctx.now(), kind: "screen_on" });
        return;
      case "grant":
      case "revoke": {
        const perm = permission(p as string);
        await (step.action === "grant" ? ctx.device.grant(perm) : ctx.device.revoke(perm));
        ctx.mark({ t: ctx.now(), kind: step.action === "grant" ? "permission_granted" : "permission_revoked", permissions: [perm] });
        return;
      }
      case "permissionDialog": {
        const answer = p as keyof typeof DIALOG_BUTTONS;
        const b = DIALOG_BUTTONS[answer];
        const el = await firstOf([...b.ids.map((id) => ({ id })), ...b.texts.map((text) => ({ text }))], `permission dialog button for '${answer}'`);
        ctx.mark({ t: ctx.now(), kind: "permission_dialog_shown" });
        await ctx.ui.click(el);
        ctx.mark({ t: ctx.now(), kind: "permission_dialog_answered", answer });
        return;
      }
      case "optOut":
        ctx.mark({ t: ctx.now(), kind: "opt_out", ...optOutMarker(p) });
        return;
      case "screenshot":
        return;
      case "mark":
        ctx.mark({ t: ctx.now(), kind: "mark", label: String(p) });
        return;
      default:
        throw new StepFailure(`step '${step.action}' has no handler`);
    }
  }

  async function run(steps: readonly Step[]): Promise<ScenarioResult | undefined> {
    for (const step of steps) {
      if (step.action === "repeat") {
        for (let i = 0; i < (step.params as { times: number }).times; i++) {
          const r = await run(step.steps ?? []);
          if (r) return r;
        }
        continue;
      }
      const i = index++;
      const l = label(step);
      ctx.mark({ t: ctx.now(), kind: "step_start", scenario: scenario.name, step: i, action: step.action, ...(l ? { label: l } : {}) });
      let error: string | undefined = step.action === "launch" ? undefined : ctx.aborted?.();
      if (error === undefined) {
        try {
          await perform(step);
        } catch (err) {
          error = (err as Error)?.message ?? String(err);
        }
        // The app died during this step (a tap that crashed it): this step is the one that failed.
        if (error === undefined && ctx.aborted) {
          await ctx.settle?.();
          error = ctx.aborted();
        }
      }
      try {
        const name = step.action === "screenshot" && typeof step.params === "string" ? step.params : `${scenario.name}-${String(stepNumber(i)).padStart(3, "0")}-${step.action}`;
        const path = ctx.saveScreenshot(name, await ctx.ui.screenshot());
        ctx.mark({ t: ctx.now(), kind: "screenshot", path, step: i });
      } catch {
        // A screenshot that fails does not fail the step.
      }
      ctx.mark({ t: ctx.now(), kind: "step_end", scenario: scenario.name, step: i, action: step.action, status: error ? "failed" : "ok", ...(error ? { error } : {}) });
      await ctx.afterStep?.(scenario.name, i, step.action, error ? "failed" : "ok");
      if (error) {
        ctx.mark({ t: ctx.now(), kind: "scenario_end", scenario: scenario.name, status: "failed", error: `step ${stepNumber(i)} (${step.action}, line ${step.line}): ${error}` });
        return { scenario: scenario.name, status: "failed", steps: index, failure: { step: i, action: step.action, line: step.line, error } };
      }
    }
    return undefined;
  }

  const failed = await run(scenario.steps);
  if (failed) return failed;
  ctx.mark({ t: ctx.now(), kind: "scenario_end", scenario: scenario.name, status: "ok" });
  return { scenario: scenario.name, status: "ok", steps: index };
}
