// The command line of pgagent install-schema|upgrade-schema [connect string].
import yargs from 'yargs';
import type { CommandLine } from './args';
import { UsageError } from './option-values';
import type { SchemaCommand } from './schema/install';

const SCHEMA_EPILOG = `install-schema creates the pgagent schema (the extension's default version) where CREATE EXTENSION
pgagent is not possible, such as managed PostgreSQL services; the database owner may run it.
upgrade-schema updates a schema made so, or by pgAgent's own pgagent.sql, to that version.
Both run the extension's own scripts in one transaction and record them in the table
pgagent_migrations.applied; run again, they do nothing. Without a connect string, libpq's
PG* environment variables and defaults apply.`;

export function parseSchemaCommand(command: SchemaCommand, argv: string[]): CommandLine {
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
