// Detaching as pgAgent does without -f: the agent starts itself again in a new session with -f,
// its standard output and error going to the log file (so that even a crash report lands
// there) or nowhere. The original process waits a few seconds for the copy's first word over
// an IPC channel (registered, retrying after a database problem, or failed) so that what goes
// wrong at start-up is said on the terminal, then returns.
import { spawn } from 'child_process';
import * as fs from 'fs';

/** What the agent says of its start-up, once (see startupReporter). */
export type StartupState =
  | { state: 'registered'; agentPid: number }
  | { state: 'retrying'; reason: string }
  | { state: 'failed'; reason: string };

export type OnStartup = (state: StartupState) => void;

/** Marks the detached copy, which reports its start-up to the parent over IPC. */
const REPORT_ENV = 'PGAGENT_REPORT_STARTUP';

export interface Detached {
  pid: number;
  /** The copy's first word; undefined if it said nothing within the wait. */
  startup?: StartupState;
  /** The copy's exit code, if it exited before saying anything. */
  exitCode?: number | null;
}

/** Starts the detached copy and waits up to waitMs for its start-up report. */
export function detach(argv: string[], logFile: string | undefined, waitMs: number): Promise<Detached> {
  const out = logFile ? fs.openSync(logFile, 'a', 0o640) : 'ignore';
  // -f goes last among the options, so that it beats a --foreground=false given before it.
  const end = argv.indexOf('--');
  const args = end < 0 ? [...argv, '-f'] : [...argv.slice(0, end), '-f', ...argv.slice(end)];
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...process.env, [REPORT_ENV]: '1' },
  });
  return new Promise<Detached>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (result: Omit<Detached, 'pid'>): void => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve({ pid: child.pid as number, ...result });
    };
    child.once('error', reject);
    child.once('spawn', () => {
      timer = setTimeout(() => done({}), waitMs);
    });
    child.once('message', (startup: StartupState) => done({ startup }));
    child.once('exit', (exitCode) => done({ exitCode }));
  }).finally(() => {
    if (typeof out === 'number') fs.closeSync(out);
  });
}

/**
 * In the detached copy: a callback that sends the first start-up state to the waiting parent
 * and closes the channel (later calls do nothing). Undefined when not started by detach().
 */
export function startupReporter(): OnStartup | undefined {
  if (!process.send || process.env[REPORT_ENV] !== '1') return undefined;
  delete process.env[REPORT_ENV];
  let sent = false;
  return (state) => {
    if (sent || !process.connected) return;
    sent = true;
    // The parent may have stopped waiting: a failed send is no concern of the agent's.
    process.send?.(state, undefined, {}, () => {
      if (process.connected) process.disconnect();
    });
  };
}
