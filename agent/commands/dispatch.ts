// `pgagent status|jobs|history|explain|run|stop`: a look at the scheduler for people without
// pgAdmin, read from the SQL API's views. The command comes first; the rest of the line is
// the same libpq connect string the agent takes (PG* variables, ~/.pgpass and service files
// apply), e.g. `pgagent history nightly --limit 5 dbname=app`. Anything else on the command
// line is the agent's (`pgagent [options] <connect string>`), as before.
import { Client } from 'pg';
import yargs from 'yargs';
import { EXIT_FATAL, EXIT_OK, EXIT_USAGE } from '../args';
import { connect as libpqConnect, parseConninfo } from '../libpq';
import { CONNINFO_KEYWORDS } from '../libpq/conninfo';
import { describeError } from '../pg-errors';
import * as reports from './reports';
import { formatTable } from './table';

type Output = reports.Section[] | string;

interface Command {
  describe: string;
  /** Takes a JOB (id or name) as its first argument. */
  job: boolean;
  run(client: Client, job: string, limit: number): Promise<Output>;
}

export const COMMANDS: Record<string, Command> = {
  status: {
    describe: 'agents, running jobs, recent failures and what is due next',
    job: false,
    run: (c, _j, l) => reports.status(c, l),
  },
  jobs: {
    describe: 'every job with its schedules, next run and last result',
    job: false,
    run: (c) => reports.jobs(c),
  },
  history: { describe: "a job's latest runs", job: true, run: (c, j, l) => reports.history(c, j, l) },
  explain: {
    describe: 'why a job is or is not about to run',
    job: true,
    run: (c, j) => reports.explain(c, j),
  },
  run: { describe: 'make a job due now', job: true, run: (c, j) => reports.runNow(c, j) },
  stop: {
    describe: "stop a job's running run (its agent records it aborted)",
    job: true,
    run: (c, j) => reports.stop(c, j),
  },
};

export function isCommand(word: string | undefined): boolean {
  return word !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, word);
}

export async function runCommand(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
): Promise<number> {
  const name = argv[0];
  const command = COMMANDS[name];
  let failure: string | undefined;
  let help: string | undefined;
  const args = yargs()
    .scriptName('pgagent')
    .usage(
      `Usage: pgagent ${name}${command.job ? ' JOB' : ''} [--json] [--limit N] [connect string]\n\n${command.describe}`,
    )
    .parserConfiguration({ 'parse-positional-numbers': false, 'dot-notation': false })
    .version(false)
    .options({
      json: { type: 'boolean', default: false, describe: 'print JSON instead of tables' },
      limit: { type: 'string', default: '10', describe: 'rows per list' },
    })
    .help('help')
    .strictOptions()
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message;
    })
    .parse(argv.slice(1), {}, (_e, _a, output) => {
      if (output && !failure) help = output;
    }) as { _: (string | number)[]; json: boolean; limit: string };
  if (help !== undefined) {
    out(help);
    return EXIT_OK;
  }
  const words = args._.map(String);
  const job = command.job && words.length && !looksLikeConninfo(words[0]) ? words.shift() : '';
  const limit = Number(args.limit);
  if (!failure && command.job && !job) failure = `pgagent ${name} needs a job id or name`;
  if (!failure && !(Number.isInteger(limit) && limit > 0))
    failure = `--limit must be a whole number >= 1, not "${args.limit}"`;
  if (failure) {
    process.stderr.write(`pgagent: ${failure}\nTry "pgagent ${name} --help" for more information.\n`);
    return EXIT_USAGE;
  }
  let client: Client;
  try {
    client = await connect(words.join(' '));
  } catch (e) {
    process.stderr.write(`pgagent: ${describeError(e)}\n`);
    return EXIT_FATAL;
  }
  try {
    const result = await command.run(client, job ?? '', limit);
    out(args.json ? JSON.stringify(asJson(result), null, 2) : asText(result));
    return EXIT_OK;
  } catch (e) {
    const missing = (e as { code?: string }).code === '42883' || (e as { code?: string }).code === '42P01';
    const hint = missing ? ' (this needs pgagent 4.4 in that database: ALTER EXTENSION pgagent UPDATE)' : '';
    process.stderr.write(`pgagent: ${describeError(e)}${hint}\n`);
    return EXIT_FATAL;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A connect string's first word (keyword=value or a URI), so not a job name. */
function looksLikeConninfo(word: string): boolean {
  const keyword = /^\s*([a-z_]+)\s*=/.exec(word)?.[1];
  return /^postgres(ql)?:\/\//.test(word) || (keyword !== undefined && CONNINFO_KEYWORDS.has(keyword));
}

async function connect(conninfo: string): Promise<Client> {
  const client = await libpqConnect({ application_name: 'pgagent status', ...parseConninfo(conninfo) });
  client.on('error', () => {});
  return client;
}

function asText(result: Output): string {
  if (typeof result === 'string') return result;
  return result
    .map((s) => `${s.title} (${s.rows.length})\n${s.rows.length ? formatTable(s.columns, s.rows) : '(none)'}`)
    .join('\n\n');
}

function asJson(result: Output): unknown {
  if (typeof result === 'string') return { message: result };
  return Object.fromEntries(result.map((s) => [s.title, s.records]));
}
