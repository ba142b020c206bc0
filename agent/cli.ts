#!/usr/bin/env node
// The pgagent command: parse the command line, check the connect string, open the log, then
// detach (without -f) or run the agent until it shuts down. Exit codes are in args.ts.
import { EXIT_FATAL, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError } from './args';
import { isCommand, runCommand } from './commands/dispatch';
import { detach, Detached, startupReporter } from './daemon';
import { connectionPlan, ConninfoError, ConnParams, parseConninfo } from './libpq';
import { createLogger, Logger } from './logger';
import { runAgent } from './main';
import { AgentOptions } from './options';
import { checkPidFile, PidFileError, removePidFile, writePidFile } from './pidfile';
import { schemaCommand } from './schema/command';
import { ShutdownSignals } from './shutdown-signals';
import { versionLine } from './version';

/** How long the command waits for the detached agent's first word. */
const DETACH_WAIT_MS = 5_000;

async function main(argv: string[]): Promise<number> {
  if (isCommand(argv[0])) return runCommand(argv);
  let options: AgentOptions;
  let params: ConnParams;
  try {
    const command = parseCommandLine(argv);
    if (command.action === 'help') return print(command.text);
    if (command.action === 'version') return print(versionLine());
    if (command.action === 'schema') {
      parseConninfo(command.conninfo);
      return await schemaCommand(command.command, command.conninfo, EXIT_FATAL);
    }
    options = command.options;
    // A malformed connect string is the user's mistake: say so now, not from a detached process.
    params = parseConninfo(options.conninfo);
    connectionPlan(params);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ConninfoError)) throw err;
    const what = err instanceof ConninfoError ? 'invalid connect string: ' : '';
    process.stderr.write(`pgagent: ${what}${err.message}\nTry "pgagent --help" for more information.\n`);
    return EXIT_USAGE;
  }
  const report = startupReporter();

  let logger: Logger;
  try {
    logger = createLogger({ level: options.logLevel, format: options.logFormat, file: options.logFile });
  } catch (err) {
    const reason = `cannot open log file "${options.logFile}": ${(err as Error).message}`;
    report?.({ state: 'failed', reason });
    process.stderr.write(`pgagent: ${reason}\n`);
    return EXIT_FATAL;
  }
  // Before the pid file names us: from then on an init system may send SIGTERM.
  const shutdown = options.foreground ? new ShutdownSignals() : undefined;
  try {
    if (options.pidFile) (options.foreground ? writePidFile : checkPidFile)(options.pidFile);
  } catch (err) {
    if (!(err instanceof PidFileError)) throw err;
    report?.({ state: 'failed', reason: err.message });
    process.stderr.write(`pgagent: ${err.message}\n`);
    await logger.close();
    return EXIT_FATAL;
  }
  if ('password' in params) {
    logger.warn(
      'the connect string holds a password, which other users can see (ps): use ~/.pgpass or PGPASSWORD',
    );
  }
  try {
    if (!options.foreground) {
      const detached = await detach(argv, options.logFile, DETACH_WAIT_MS);
      logger.debug('started in the background', { pid: detached.pid });
      return sayHowItStarted(detached, options.retrySeconds);
    }
    // SIGTERM and SIGINT belong to runAgent (graceful shutdown); SIGHUP is logrotate's.
    process.on('SIGHUP', () => {
      if (logger.reopen()) logger.debug('log file reopened');
    });
    return await runAgent(options, params, logger, report, shutdown);
  } catch (err) {
    logger.error(`fatal: ${(err as Error).message}`, { stack: (err as Error).stack });
    report?.({ state: 'failed', reason: (err as Error).message });
    return EXIT_FATAL;
  } finally {
    if (options.foreground && options.pidFile) removePidFile(options.pidFile);
    await logger.close();
  }
}

// The terminal hears what the log would say: a failure (exit 1), or a database problem the
// agent will keep retrying in the background (exit 0).
function sayHowItStarted(detached: Detached, retrySeconds: number): number {
  const { pid, startup, exitCode } = detached;
  if (startup?.state === 'failed') {
    process.stderr.write(`pgagent: ${startup.reason}\n`);
    return EXIT_FATAL;
  }
  if (startup?.state === 'retrying') {
    process.stderr.write(
      `pgagent: warning: running in the background as pid ${pid}, retrying every ${retrySeconds} s: ${startup.reason}\n`,
    );
  } else if (!startup && exitCode !== undefined) {
    process.stderr.write(`pgagent: the agent exited at start-up (exit code ${exitCode}); see the log\n`);
    return EXIT_FATAL;
  } else if (!startup) {
    process.stderr.write(
      `pgagent: warning: running in the background as pid ${pid}, not connected after ${DETACH_WAIT_MS / 1000} s; see the log\n`,
    );
  }
  return EXIT_OK;
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
