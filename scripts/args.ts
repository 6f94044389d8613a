/** A script's command line: a bad flag is one line on stderr with the usage, exit code 2 (no stack trace). */
export function scriptArgs<R>(usage: string, parse: () => R): R {
  try {
    return parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

/** A positive integer from a flag, or exit 2 naming the flag. */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`${flag} must be a positive whole number, not '${value}'\n`);
    process.exit(2);
  }
  return n;
}
