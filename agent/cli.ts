#!/usr/bin/env node
// The pgagent command: parse the command line, check the connect string, open the log, then
// detach (without -f) or run the agent until it shuts down. Exit codes are in args.ts.
import { EXIT_FATAL, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError } from './args';
import { clientConfigs, ConninfoError, parseConninfo } from './connection';
import { detach } from './daemon';
import { createLogger, Logger } from './logger';
import { runAgent } from './main';
import { AgentOptions } from './options';
import { versionLine } from './version';

async function main(argv: string[]): Promise<number> {
  let options: AgentOptions;
  let passwordGiven: boolean;
  try {
    const command = parseCommandLine(argv);
    if (command.action === 'help') return print(command.text);
    if (command.action === 'version') return print(versionLine());
    options = command.options;
    // A malformed connect string is the user's mistake: say so now, not from a detached process.
    const params = parseConninfo(options.conninfo);
    clientConfigs(params);
    passwordGiven = 'password' in params;
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ConninfoError)) throw err;
    const what = err instanceof ConninfoError ? 'invalid connect string: ' : '';
    process.stderr.write(`pgagent: ${what}${err.message}\nTry "pgagent --help" for more information.\n`);
    return EXIT_USAGE;
  }

  let logger: Logger;
  try {
    logger = createLogger({ level: options.logLevel, format: options.logFormat, file: options.logFile });
  } catch (err) {
    process.stderr.write(`pgagent: cannot open log file "${options.logFile}": ${(err as Error).message}\n`);
    return EXIT_FATAL;
  }
  if (passwordGiven) {
    logger.warn('the connect string holds a password, which other users can see (ps): use ~/.pgpass or PGPASSWORD');
  }
  try {
    if (!options.foreground) {
      logger.debug('started in the background', { pid: await detach(argv, options.logFile) });
      return EXIT_OK;
    }
    // SIGTERM and SIGINT belong to runAgent (graceful shutdown); SIGHUP is logrotate's.
    process.on('SIGHUP', () => {
      if (logger.reopen()) logger.debug('log file reopened');
    });
    return await runAgent(options, logger);
  } catch (err) {
    logger.error(`fatal: ${(err as Error).message}`, { stack: (err as Error).stack });
    return EXIT_FATAL;
  } finally {
    await logger.close();
  }
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Should a handle outlive the shutdown, leave anyway once output has had time to drain.
    setTimeout(() => process.exit(code), 5000).unref();
  },
  (err: Error) => {
    process.stderr.write(`pgagent: ${err.message}\n`);
    process.exitCode = EXIT_FATAL;
  },
);
