/**
 * Errors a user can cause and fix. The CLI prints them as one line
 * (`permtrace: <where>: <problem> — <fix>`) and maps each class to an exit code in one place.
 */
export interface ErrorPlace {
  /** The file, flag or argument at fault. */
  readonly where?: string;
  readonly line?: number;
  readonly column?: number;
  /** What to do about it. */
  readonly fix?: string;
}

export class PermtraceError extends Error {
  readonly where: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly fix: string | undefined;
  constructor(problem: string, place: ErrorPlace = {}) {
    super(problem);
    this.name = new.target.name;
    this.where = place.where;
    this.line = place.line;
    this.column = place.column;
    this.fix = place.fix;
  }

  /** The one line the CLI prints. */
  toLine(): string {
    let where = this.where ?? "";
    if (where && this.line !== undefined) where += `:${this.line}`;
    if (where && this.line !== undefined && this.column !== undefined) where += `:${this.column}`;
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.fix ? `${head} — ${this.fix}` : head;
  }
}

/** A bad command-line flag or argument. */
export class UsageError extends PermtraceError {}
/** A trace that cannot be read at all (missing, not a trace, unsupported version). */
export class TraceError extends PermtraceError {}
/** An invalid policy file or profile name. */
export class PolicyError extends PermtraceError {}
/** An invalid app profile. */
export class ProfileError extends PermtraceError {}
/** An invalid scenario file or suite. */
export class ScenarioError extends PermtraceError {}
