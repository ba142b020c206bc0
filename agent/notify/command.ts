// Delivery by command: the run's JSON on the standard input of `sh -c CMD`. Exit status 0 is
// success; anything else, or the timeout (the command's process group is killed), is a failure
// for the delivery queue to retry.
import { spawn } from 'child_process';

export function runWithStdin(
  command: string,
  input: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`--notify-command did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onAbort = (): void => kill();
    signal.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    child.stdin.on('error', () => {
      // A command that does not read its input may close it early; its exit status decides.
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`--notify-command could not start: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (code === 0) return resolve();
      const why = sig ? `was killed by ${sig}` : `exited with status ${code}`;
      const first = stderr.split('\n').find((l) => l.trim());
      reject(new Error(`--notify-command ${why}${first ? `: ${first.trim()}` : ''}`));
    });
    child.stdin.end(input);
  });
}
