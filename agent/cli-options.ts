// The agent's options as yargs reads them (pgAgent 4.2's flags, our long names and new
// options), their defaults, and the help text's epilog.
import type { Options } from 'yargs';
import { LogFormat, LogLevel } from './options';

const DEFAULTS = {
  pollSeconds: 10,
  retrySeconds: 30,
  logLevel: 1 as LogLevel,
  logFormat: 'text' as LogFormat,
  maxJobs: 10,
  shutdownGraceSeconds: 30,
  historyIntervalSeconds: 3600,
};

export const OPTIONS = {
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
    describe: 'serve /livez, /readyz and /metrics (Prometheus) on [ADDR:]PORT; ADDR defaults to 127.0.0.1',
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
} satisfies Record<string, Options>;

export const EPILOG = `The connect string is libpq's: keyword=value pairs (host=... port=... dbname=... user=...)
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
