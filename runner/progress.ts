import type { Progress } from "./commands/run.js";
import { stepNumber } from "../reports/render/step-number.js";
import { setLiveLine } from "./logger.js";

/**
 * The live line on a terminal: device, scenario, step, and calls so far by category. Redrawn at
 * most ten times a second on stderr; nothing when stderr is not a terminal (logs say it there).
 */
export class TerminalProgress implements Progress {
  private scenarioText = "";
  private stepText = "";
  private calls = 0;
  private readonly byCategory = new Map<string, number>();
  private last = 0;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  scenario(name: string, index: number, total: number): void {
    this.scenarioText = `scenario ${index + 1}/${total} ${name}`;
    this.stepText = "";
    this.draw(true);
  }

  step(_scenario: string, step: number, action: string): void {
    this.stepText = `step ${stepNumber(step)} ${action}`;
    this.draw(false);
  }

  call(category: string): void {
    this.calls++;
    this.byCategory.set(category, (this.byCategory.get(category) ?? 0) + 1);
    this.draw(false);
  }

  done(): void {
    setLiveLine(undefined);
    if (this.out.isTTY) this.out.write("\n");
  }

  /** The line as drawn (tests read it). */
  line(): string {
    const top = [...this.byCategory].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, n]) => `${c} ${n}`).join(", ");
    return `[${this.label}] ${[this.scenarioText, this.stepText].filter(Boolean).join(" · ")} · ${this.calls} call${this.calls === 1 ? "" : "s"}${top ? ` (${top})` : ""}`;
  }

  private draw(force: boolean): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    // A log line redraws it after itself, up to date (logger.ts).
    setLiveLine({ out: this.out, text: () => this.fitted() });
    this.out.write(`\r\x1b[2K${this.fitted()}`);
  }

  private fitted(): string {
    return this.line().slice(0, (this.out.columns ?? 120) - 1);
  }
}
