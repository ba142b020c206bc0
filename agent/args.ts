// The command line, as pgAgent 4.2 takes it plus our long names and new options:
//   pgagent [options] <connect string>
// The connect string may be given as several words (pgagent -f host=x dbname=y user=z), which
// are joined with spaces as pgAgent does.
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { parseHttpAddress } from './http/server';
import { parseWebhookUrl } from './notify/webhook';
import { AgentOptions, LogFormat, LogLevel } from './options';
import type { SchemaCommand } from './schema/install';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_USAGE = 2;

const DEFAULTS = {
  pollSeconds: 10,
  retrySeconds: 30,
  logLevel: 1 as LogLevel,
  logFormat: 'text' as LogFormat,
  maxJobs: 10,
  shutdownGraceSeconds: 30,
  historyIntervalSeconds: 3600,
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type CommandLine =
  | { action: 'run'; options: AgentOptions }
  | { action: 'help'; text: string }
  | { action: 'version' }
  | { action: 'schema'; command: SchemaCommand; conninfo: string };

const SCHEMA_COMMANDS: readonly string[] = ['install-schema', 'upgrade-schema'] satisfies SchemaCommand[];

const EPILOG = `The connect string is libpq's: keyword=value pairs (host=... port=... dbname=... user=...)
or a postgresql:// URI. Passwords come from ~/.pgpass (or PGPASSFILE) and PG* environment
variables, so that they are not visible on the command line. sslmode has libpq's meanings:
prefer (the default) tries TLS first, then without; allow the reverse. Use sslmode=verify-full
to insist on TLS with a verified server.

Several hosts (host=a,b port=5432,5433, or postgresql://a:5432,b:5433/db) are tried in order,
with libpq's target_session_attrs (any, read-write, read-only, primary, standby, prefer-standby).

Without -f the agent detaches: it starts itself again in the background with -f (its output
going to the -s log file, or nowhere) and returns once it has registered, or with a warning
when the database is not usable yet (the agent retries every -r seconds). --pidfile names a file
for the running agent's pid. SIGTERM or SIGINT stops it gracefully; SIGHUP reopens the log file.

Commands for a look at the scheduler (same connect string; --json for scripts):
  pgagent status | jobs | history JOB | explain JOB | run JOB [connect string]

Without CREATE EXTENSION (managed PostgreSQL): pgagent install-schema|upgrade-schema [connect
string] creates or updates the pgagent schema; see pgagent install-schema --help.

Exit codes:
  0  clean shutdown (or --help, --version)
  1  fatal error at run time, e.g. the pgagent schema is missing or the log file cannot be opened
  2  usage error: an unknown or invalid option, or a missing or malformed connect string`;

/** Parses argv (without node and the script); throws UsageError with a message for the user. */
export function parseCommandLine(argv: string[]): CommandLine {
  // No connect string starts with a bare word, so the subcommands cannot be mistaken for one.
  if (SCHEMA_COMMANDS.includes(argv[0])) return parseSchemaCommand(argv[0] as SchemaCommand, argv.slice(1));
  let failure: string | undefined;
  let help: string | undefined;
  const parser = yargs()
    .scriptName('pgagent')
    .usage('Usage: pgagent [options] <connect string>')
    .parserConfiguration({
      'parse-positional-numbers': false,
      'dot-notation': false,
      'duplicate-arguments-array': false,
    })
    .version(false)
    .options({
      f: {
        alias: 'foreground',
        type: 'boolean',
        default: false,
        describe: 'run in the foreground (do not detach)',
      },
      t: {
        alias: 'poll',
        type: 'string',
        describe: `seconds between polls when nothing is due sooner (>= 1)`,
        default: String(DEFAULTS.pollSeconds),
      },
      r: {
        alias: 'retry',
        type: 'string',
        describe: 'seconds between reconnect attempts after a lost connection (>= 10)',
        default: String(DEFAULTS.retrySeconds),
      },
      s: { alias: 'log-file', type: 'string', describe: 'log file, appended to (default: standard output)' },
      l: {
        alias: 'log-level',
        type: 'string',
        describe: 'log level: 0 errors, 1 also warnings, 2 also debug',
        default: String(DEFAULTS.logLevel),
      },
      v: { alias: 'version', type: 'boolean', describe: 'print the version and exit' },
      'log-format': {
        type: 'string',
        choices: ['text', 'json'],
        default: DEFAULTS.logFormat,
        describe: 'log line format',
      },
      'max-jobs': {
        type: 'string',
        default: String(DEFAULTS.maxJobs),
        describe: 'jobs run at once; due jobs beyond it stay for other agents',
      },
      hostname: {
        type: 'string',
        describe: 'station name for jobs pinned to a host (default: this host name)',
      },
      pidfile: {
        type: 'string',
        describe:
          "write the agent's pid to this file, removed on exit; refuse to start if it names a running process",
      },
      'shutdown-grace': {
        type: 'string',
        default: String(DEFAULTS.shutdownGraceSeconds),
        describe: 'seconds running jobs get to finish on SIGTERM/SIGINT before they are cancelled',
      },
      // yargs reads --no-batch as batch=false.
      http: {
        type: 'string',
        describe:
          'serve /livez, /readyz and /metrics (Prometheus) on [ADDR:]PORT; ADDR defaults to 127.0.0.1',
      },
      'notify-webhook': {
        type: 'string',
        describe: "POST each ended run's JSON (pgagent.run_summary) to this http(s) URL",
      },
      'notify-command': {
        type: 'string',
        describe: "run this shell command with each ended run's JSON on its standard input",
      },
      'notify-on': {
        type: 'string',
        choices: ['failures', 'all'],
        default: 'failures',
        describe: 'which ended runs to notify of: failed and aborted ones, or all',
      },
      'history-interval': {
        type: 'string',
        default: String(DEFAULTS.historyIntervalSeconds),
        describe: "seconds between applications of the database's pgagent.history_retention setting",
      },
      batch: {
        type: 'boolean',
        default: true,
        describe:
          'run batch (shell) steps; with --no-batch each is recorded failed, not run (see docs/security.md)',
      },
    })
    .help('help')
    .strictOptions()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilog(EPILOG)
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? 'invalid command line';
    });
  const args = parser.parse(splitAttachedValues(argv), {}, (_err, _args, output) => {
    if (output && !failure) help = output;
  }) as Record<string, unknown> & { _: (string | number)[] };

  if (failure) throw new UsageError(failure);
  if (help !== undefined) return { action: 'help', text: help };
  if (args.v) return { action: 'version' };

  const conninfo = args._.map(String).join(' ');
  if (!conninfo.trim()) throw new UsageError('missing connect string');
  return {
    action: 'run',
    options: {
      conninfo,
      foreground: Boolean(args.f),
      pollSeconds: integer(args.t, '-t/--poll', 1),
      retrySeconds: integer(args.r, '-r/--retry', 10),
      logFile: absolutePath(args.s, '-s/--log-file'),
      logLevel: integer(args.l, '-l/--log-level', 0, 2) as LogLevel,
      logFormat: args['log-format'] as LogFormat,
      maxJobs: integer(args['max-jobs'], '--max-jobs', 1),
      hostname: hostname(args.hostname),
      shutdownGraceSeconds: integer(args['shutdown-grace'], '--shutdown-grace', 0),
      noBatch: args.batch === false,
      pidFile: absolutePath(args.pidfile, '--pidfile'),
      http: args.http === undefined ? undefined : parsed(parseHttpAddress(String(args.http))),
      notifyWebhook:
        args['notify-webhook'] === undefined
          ? undefined
          : parsed(parseWebhookUrl(String(args['notify-webhook']))),
      notifyCommand: notifyCommand(args['notify-command'], args['notify-webhook']),
      notifyOn: args['notify-on'] as 'failures' | 'all',
      historyIntervalSeconds: integer(args['history-interval'], '--history-interval', 1),
    },
  };
}

/** The value of a parse that returns an error message instead. */
function parsed<T>(value: T | string): T {
  if (typeof value === 'string') throw new UsageError(value);
  return value;
}

function notifyCommand(command: unknown, webhook: unknown): string | undefined {
  if (command === undefined) return undefined;
  if (webhook !== undefined) throw new UsageError('--notify-webhook and --notify-command: give one of them');
  if (!String(command).trim()) throw new UsageError('--notify-command needs a command');
  return String(command);
}

const SCHEMA_EPILOG = `install-schema creates the pgagent schema (the extension's default version) where CREATE EXTENSION
pgagent is not possible, such as managed PostgreSQL services; the database owner may run it.
upgrade-schema updates a schema made so, or by pgAgent's own pgagent.sql, to that version.
Both run the extension's own scripts in one transaction and record them in the table
pgagent_migrations.applied; run again, they do nothing. Without a connect string, libpq's
PG* environment variables and defaults apply.`;

function parseSchemaCommand(command: SchemaCommand, argv: string[]): CommandLine {
  let failure: string | undefined;
  let help: string | undefined;
  const args = yargs()
    .scriptName('pgagent')
    .usage('Usage: pgagent install-schema|upgrade-schema [connect string]')
    .epilog(SCHEMA_EPILOG)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .parserConfiguration({ 'parse-positional-numbers': false, 'dot-notation': false })
    .version(false)
    .help('help')
    .strictOptions()
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? 'invalid command line';
    })
    .parse(argv, {}, (_err, _args, output) => {
      if (output && !failure) help = output;
    }) as { _: (string | number)[] };
  if (failure) throw new UsageError(failure);
  if (help !== undefined) return { action: 'help', text: help };
  return { action: 'schema', command, conninfo: args._.map(String).join(' ') };
}

// pgAgent takes a value attached to its flag (-t5, -s/var/log/pgagent.log, -slog.txt); yargs
// would read -slog.txt as the flags -s -l -o -g, so such values are detached first.
function splitAttachedValues(argv: string[]): string[] {
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
function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(value);
  if (!/^\s*\d+\s*$/.test(s) || Number(s) < min || Number(s) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min} to ${max}`;
    throw new UsageError(`${name} must be a whole number ${range}, not "${s}"`);
  }
  return Number(s);
}

// Absolute, so that the detached copy (and a later reopen) write to the same file.
function absolutePath(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  const file = String(value);
  if (!file) throw new UsageError(`${name} needs a file name`);
  return path.resolve(file);
}

function hostname(value: unknown): string {
  if (value === undefined) return os.hostname();
  const name = String(value);
  if (!name) throw new UsageError('--hostname must not be empty');
  return name;
}
