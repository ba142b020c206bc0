// Batch steps: the code is written to a fresh private directory (mode 0700, unpredictable name)
// as an executable script with \n line endings, and run with its shebang line, or /bin/sh when
// it has none, in that directory. stdout and stderr are captured together in arrival order and
// bounded (see output.ts). jslresult is the exit code; a script killed by a signal gets 128 +
// the signal's number (as shells report it: SIGKILL gives 137) and a note in its output. The
// script runs in a process group of its own, so a cancel (SIGTERM, then SIGKILL) reaches
// everything it started, and a watchdog (watchdog.ts) does the same should the agent die. A
// background process that keeps stdout open after the script has exited does not hold the
// step: output is read for DRAIN_MS more, then the pipes are closed.
import { spawn } from 'child_process';
import * as fs from 'fs/promises';
import * as os from 'os';
import { Logger } from '../logger';
import { BoundedOutput } from '../output';
import { abortReason, describeAbort } from '../status';
import { removeStepDir, stepDir } from './step-dirs';
import { failedStep, Step, StepContext, StepOutcome, StepRunner } from './step';
import { watchGroup } from './watchdog';

/** How long output is still read after the script exited, for its background processes. */
const DRAIN_MS = 2_000;
/** After SIGTERM on cancel, how long the process group gets before SIGKILL. */
const KILL_WAIT_MS = 5_000;

export function batchStepRunner(logger: Logger): StepRunner {
  return async (step: Step, { signal }: StepContext): Promise<StepOutcome> => {
    if (signal.aborted) return failedStep(`not started: ${describeAbort(abortReason(signal)!)}`);
    const dir = await stepDir();
    try {
      const script = `${dir}/step-${step.jstid}`;
      const code = step.jstcode.replace(/\r\n/g, '\n');
      await fs.writeFile(script, code, { mode: 0o700 });
      // The kernel honours the shebang; without one it would refuse the file, so give it to sh.
      const [file, args] = code.startsWith('#!') ? [script, []] : ['/bin/sh', [script]];
      return await run(file, args, dir, signal);
    } finally {
      // What the script left behind may resist removal (a chmod 000 directory): the step's result stands.
      await removeStepDir(dir).catch((e: Error) =>
        logger.warn(`could not remove the directory of step ${step.jstid}: ${e.message}`, {
          step: step.jstid,
          dir,
        }),
      );
    }
  };
}

/** For an agent started with --no-batch: the step is not run and fails, whatever its jstonerror. */
export const refusedBatchStep: StepRunner = async () => ({
  ...failedStep('not run: this agent does not run batch steps (it was started with --no-batch)'),
  refused: true,
});

function run(file: string, args: string[], cwd: string, signal: AbortSignal): Promise<StepOutcome> {
  return new Promise((resolve) => {
    const output = new BoundedOutput();
    const child = spawn(file, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const streams = [child.stdout, child.stderr];
    for (const s of streams) s.on('data', (chunk: Buffer) => output.append(chunk));
    const watchdog = child.pid ? watchGroup(child.pid) : undefined;

    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => {
      output.appendLine(`[cancelled: ${describeAbort(abortReason(signal)!)}]`);
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_WAIT_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (outcome: StepOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      watchdog?.release();
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
      const closed = Promise.all(
        streams.map((s) => new Promise((r) => (s.closed ? r(null) : s.once('close', r)))),
      );
      const drain = setTimeout(() => {
        for (const s of streams) s.destroy();
        output.appendLine(
          `[output no longer read: a background process kept it open ${DRAIN_MS / 1000} s after the script exited]`,
        );
      }, DRAIN_MS);
      void closed.then(() => {
        clearTimeout(drain);
        if (sig) output.appendLine(`[terminated by signal ${sig}]`);
        finish({ ok: code === 0, result, output: output.text() });
      });
    });
  });
}
