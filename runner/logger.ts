import pino, { type DestinationStream, type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import { termText } from "../reports/render/escape.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let root: Logger | undefined;

/** The live progress line on the terminal, if one is drawn: `text` is it as drawn. */
let live: { readonly out: NodeJS.WritableStream; readonly text: () => string } | undefined;

/**
 * Registers (or with undefined, ends) the terminal's live progress line. A log line on the same
 * stream clears it first and redraws it after: without this the two shared a line mid-way.
 */
export function setLiveLine(line: typeof live): void {
  live = line;
}

/**
 * A log record's strings without what a terminal would act on: messages and fields carry app
 * text (an agent's error, a process name). Line breaks stay (a stack); the printer's colours come after.
 */
function untrusted(json: string): string {
  return JSON.stringify(JSON.parse(json), (_key, v: unknown) => (typeof v === "string" ? v.split("\n").map((l) => termText(l, 2000)).join("\n") : v));
}

/** Pretty lines, written synchronously, around the live line when one is drawn on `out`. */
function terminal(out: NodeJS.WritableStream): DestinationStream {
  const pretty = prettyFactory({ colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" });
  return {
    write(json: string): void {
      const text = pretty(untrusted(json));
      out.write(live?.out === out ? `\r\x1b[2K${text}${live.text()}` : text);
    },
  };
}

/**
 * The root logger: pretty on a terminal, JSON lines otherwise (CI, files); always on stderr so
 * stdout carries only command output. Agent events never go here — they go to the trace.
 */
export function createLogger(level: LogLevel = "info", tty: boolean = process.stderr.isTTY === true, out: NodeJS.WritableStream = process.stderr): Logger {
  root = tty ? pino({ level }, terminal(out)) : pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
  return root;
}

/** A child logger for one module. */
export function logger(module: string): Logger {
  root ??= createLogger((process.env.PERMTRACE_LOG_LEVEL as LogLevel | undefined) ?? "info");
  return root.child({ module });
}
