import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let root: Logger | undefined;

/**
 * The root logger: pretty on a terminal, JSON lines otherwise (CI, files); always on stderr so
 * stdout carries only command output. Agent events never go here — they go to the trace.
 */
export function createLogger(level: LogLevel = "info", tty: boolean = process.stderr.isTTY === true): Logger {
  root = tty
    ? pino({ level }, pretty({ destination: 2, sync: true, colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" }))
    : pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
  return root;
}

/** A child logger for one module. */
export function logger(module: string): Logger {
  root ??= createLogger((process.env.PERMTRACE_LOG_LEVEL as LogLevel | undefined) ?? "info");
  return root.child({ module });
}
