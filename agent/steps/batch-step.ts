// Batch steps: the code is written to a fresh private directory (mode 0700, unpredictable name)
// as an executable script with \n line endings, and run with its shebang line, or /bin/sh when
// it has none, in that directory. stdout and stderr are captured together in arrival order and
// bounded (see output.ts). jslresult is the exit code; a script killed by a signal gets 128 +
// the signal's number (as shells report it: SIGKILL gives 137) and a note in its output. The
// script runs in a process group of its own, so a cancel (SIGTERM, then SIGKILL) reaches
// everything it started. A background process that keeps stdout open after the script has
// exited does not hold the step: output is read for DRAIN_MS more, then the pipes are closed.
import { spawn } from 'child_process';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { BoundedOutput } from '../output';
import { failedStep, Step, StepOutcome, StepRunner } from './step';

/** How long output is still read after the script exited, for its background processes. */
const DRAIN_MS = 2_000;
/** After SIGTERM on cancel, how long the process group gets before SIGKILL. */
const KILL_WAIT_MS = 5_000;

export const batchStepRunner: StepRunner = async (step: Step, signal: AbortSignal): Promise<StepOutcome> => {
  if (signal.aborted) return failedStep(`not started: ${String(signal.reason)}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgagent-step-'));
  try {
    const script = path.join(dir, `step-${step.jstid}`);
    const code = step.jstcode.replace(/\r\n/g, '\n');
    await fs.writeFile(script, code, { mode: 0o700 });
    // The kernel honours the shebang; without one it would refuse the file, so give it to sh.
    const [file, args] = code.startsWith('#!') ? [script, []] : ['/bin/sh', [script]];
    return await run(file, args, dir, signal);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
};

function run(file: string, args: string[], cwd: string, signal: AbortSignal): Promise<StepOutcome> {
  return new Promise((resolve) => {
    const output = new BoundedOutput();
    const child = spawn(file, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const streams = [child.stdout, child.stderr];
    for (const s of streams) s.on('data', (chunk: Buffer) => output.append(chunk));

    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => {
      output.appendLine(`[cancelled: ${String(signal.reason)}]`);
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_WAIT_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (outcome: StepOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };

    child.on('error', (e) => {
      for (const s of streams) s.destroy();
      output.appendLine(`could not run the script: ${e.message}`);
      finish({ ok: false, result: -1, output: output.text() });
    });

    child.on('exit', (code, sig) => {
      const result = code ?? 128 + (sig ? os.constants.signals[sig] : 0);
      const closed = Promise.all(streams.map((s) => new Promise((r) => (s.closed ? r(null) : s.once('close', r)))));
      const drain = setTimeout(() => {
        for (const s of streams) s.destroy();
        output.appendLine(`[output no longer read: a background process kept it open ${DRAIN_MS / 1000} s after the script exited]`);
      }, DRAIN_MS);
      void closed.then(() => {
        clearTimeout(drain);
        if (sig) output.appendLine(`[terminated by signal ${sig}]`);
        finish({ ok: code === 0, result, output: output.text() });
      });
    });
  });
}
