// Checking the command line's values (read as strings) and turning them into options; a bad
// one is a UsageError with a message for the user.
import * as os from 'os';
import * as path from 'path';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The value of a parse that returns an error message instead. */
export function parsed<T>(value: T | string): T {
  if (typeof value === 'string') throw new UsageError(value);
  return value;
}

export function notifyCommand(command: unknown, webhook: unknown): string | undefined {
  if (command === undefined) return undefined;
  if (webhook !== undefined) throw new UsageError('--notify-webhook and --notify-command: give one of them');
  if (!String(command).trim()) throw new UsageError('--notify-command needs a command');
  return String(command);
}

// pgAgent takes a value attached to its flag (-t5, -s/var/log/pgagent.log, -slog.txt); yargs
// would read -slog.txt as the flags -s -l -o -g, so such values are detached first.
export function splitAttachedValues(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  const rest = end < 0 ? [] : argv.slice(end);
  return [
    ...options.flatMap((arg) => (/^-[trsl][^=]/.test(arg) ? [arg.slice(0, 2), arg.slice(2)] : [arg])),
    ...rest,
  ];
}

// As in pgAgent, the last of a repeated option wins. Options are read as strings so that
// "-t 1.5" or "-t ten" is an error rather than NaN or 1.
export function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(value);
  if (!/^\s*\d+\s*$/.test(s) || Number(s) < min || Number(s) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min} to ${max}`;
    throw new UsageError(`${name} must be a whole number ${range}, not "${s}"`);
  }
  return Number(s);
}

// Absolute, so that the detached copy (and a later reopen) write to the same file.
export function absolutePath(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  const file = String(value);
  if (!file) throw new UsageError(`${name} needs a file name`);
  return path.resolve(file);
}

export function hostname(value: unknown): string {
  if (value === undefined) return os.hostname();
  const name = String(value);
  if (!name) throw new UsageError('--hostname must not be empty');
  return name;
}
