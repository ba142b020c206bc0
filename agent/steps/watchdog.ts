// A batch script must not outlive a killed agent (kill -9, a crash): beside each script runs a
// tiny shell that reads a pipe from the agent. It gets end-of-file only when the agent is gone
// (the kernel closes the agent's end), and then ends the script's process group: SIGTERM, and
// SIGKILL GRACE_S later. When the step ends normally the agent kills the watchdog instead, so
// background processes a script leaves behind on purpose live on, as with pgAgent.
import { spawn } from 'child_process';

const GRACE_S = 2;
// dash, as /bin/sh often is, takes "--" before a negative pid only after -s.
const WATCH = `read -r _; kill -s TERM -- "-$1" 2>/dev/null; sleep ${GRACE_S}; kill -s KILL -- "-$1" 2>/dev/null`;

export interface Watchdog {
  /** The step has ended: the watchdog goes, the process group is left alone. */
  release(): void;
}

export function watchGroup(pgid: number): Watchdog {
  const dog = spawn('/bin/sh', ['-c', WATCH, 'pgagent-watchdog', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  dog.on('error', () => {}); // without a watchdog the step still runs, as before
  dog.stdin!.on('error', () => {});
  dog.unref();
  return {
    release: () => {
      dog.kill('SIGKILL');
      dog.stdin!.destroy();
    },
  };
}
