// Detaching as pgAgent does without -f: the agent starts itself again in a new session with -f,
// its standard output and error going to the log file (so that even a crash report lands
// there) or nowhere, and the original process returns once the copy is running.
import { spawn } from 'child_process';
import * as fs from 'fs';

/** Starts the detached copy; resolves with its pid once it has been spawned. */
export function detach(argv: string[], logFile: string | undefined): Promise<number> {
  const out = logFile ? fs.openSync(logFile, 'a', 0o640) : 'ignore';
  // -f goes last among the options, so that it beats a --foreground=false given before it.
  const end = argv.indexOf('--');
  const args = end < 0 ? [...argv, '-f'] : [...argv.slice(0, end), '-f', ...argv.slice(end)];
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid as number);
    });
  }).finally(() => {
    if (typeof out === 'number') fs.closeSync(out);
  });
}
