// The command line, as pgAgent 4.2 takes it plus our long names and new options:
//   pgagent [options] <connect string>
// The connect string may be given as several words (pgagent -f host=x dbname=y user=z), which
// are joined with spaces as pgAgent does.
import yargs from 'yargs';
import { EPILOG, OPTIONS } from './cli-options';
import { parseHttpAddress } from './http/server';
import { parseWebhookUrl } from './notify/webhook';
import {
  absolutePath,
  hostname,
  integer,
  notifyCommand,
  parsed,
  splitAttachedValues,
  UsageError,
} from './option-values';
import { AgentOptions, LogFormat, LogLevel } from './options';
import { parseSchemaCommand } from './schema-command-line';
import type { SchemaCommand } from './schema/install';

export { UsageError } from './option-values';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_USAGE = 2;

export type CommandLine =
  | { action: 'run'; options: AgentOptions }
  | { action: 'help'; text: string }
  | { action: 'version' }
  | { action: 'schema'; command: SchemaCommand; conninfo: string };

const SCHEMA_COMMANDS: readonly string[] = ['install-schema', 'upgrade-schema'] satisfies SchemaCommand[];

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
    .options(OPTIONS)
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
