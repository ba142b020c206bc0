// One step of a run: its pga_jobsteplog row, the step runner under the step's time limit, its
// status by the step's on-error rule, and its end written (until it succeeds), or, if the step
// ends the run (the last one, or failed or aborted), handed back to be written with the run's end.
import type { ClaimedJob, JobRunnerDeps } from './job-runner';
import { describeError } from './pg-errors';
import { ServiceDown } from './service';
import { LastStep } from './sql/runs';
import { abortReason, AbortReason, DELETED, describeAbort, LOST, recordable, Status } from './status';
import { failedStep, Step, StepOutcome } from './steps/step';
import { withTimeLimit } from './time-limit';
import { elapsedSeconds } from './timers';
import { untilWritten } from './until-written';

/** A step that ends its run, to be written with the run's end; `written` logs it once it is. */
export interface EndingStep extends LastStep {
  written(): void;
}

export type StepRunEnd = { status: Status; ending?: EndingStep } | { stopped: AbortReason };

/** last: the run's last step, so that it ends the run whatever its status. */
export async function runStep(
  job: ClaimedJob,
  runId: number,
  step: Step,
  deps: JobRunnerDeps,
  runSignal: AbortSignal,
  stepSeconds: number | null,
  last: boolean,
): Promise<StepRunEnd> {
  const { store, logger } = deps;
  const label = `job ${job.jobid} (${job.jobname}) step ${step.jstid} (${step.jstname})`;
  const fields = (more: Record<string, unknown>): Record<string, unknown> => ({
    job: job.jobid,
    run: runId,
    step: step.jstid,
    ...more,
    agent_pid: deps.agentPid(),
  });
  const logged = await store.startStep(runId, job.jobid, step.jstid);
  if ('missing' in logged) {
    if (logged.missing === 'step') {
      logger.warn(`${label}: skipped: the step was deleted while the job ran`, fields({}));
      return { status: 's' };
    }
    return { stopped: logged.missing === 'job' ? DELETED : LOST };
  }
  const started = performance.now();
  const runner = deps.steps[step.jstkind];
  const limited = withTimeLimit(runSignal, stepSeconds, 'step');
  let outcome: StepOutcome;
  try {
    outcome = runner
      ? await runner(step, { jobId: job.jobid, runId, signal: limited.signal })
      : failedStep(`unknown step kind "${step.jstkind}"`);
  } catch (e) {
    outcome = failedStep(`the agent could not run the step: ${describeError(e)}`);
  } finally {
    limited.clear();
  }
  const seconds = elapsedSeconds(started);
  const reason = abortReason(limited.signal);
  if (!recordable(reason)) return { stopped: reason! };
  if (reason?.kind === 'timeout' && !outcome.ok) {
    // The output's first line is what the views show: say it timed out, not "canceling statement".
    const line = describeAbort(reason);
    outcome = { ...outcome, output: `${line}\n${outcome.output}`, summary: line };
  }
  const status = stepStatus(outcome, step.jstonerror, reason);
  const end = { status, result: outcome.result, seconds, output: outcome.output };
  const written = (): void => {
    const line = `${label}: status ${status}, result ${outcome.result}`;
    if (outcome.ok) logger.debug(line, fields({ status }));
    else {
      const why = outcome.summary ?? firstLine(outcome.output);
      logger.error(
        `${label} failed: status ${status}, result ${outcome.result}${why ? `: ${why}` : ''}`,
        fields({ status, result: outcome.result, sqlstate: outcome.sqlstate }),
      );
    }
    deps.events.emit('stepFinished', {
      jobId: job.jobid,
      runId,
      stepId: step.jstid,
      stepName: step.jstname,
      kind: step.jstkind,
      status,
      result: outcome.result,
      seconds,
      sqlstate: outcome.sqlstate,
    });
  };
  if (last || status === 'd' || status === 'f')
    return { status, ending: { stepRunId: logged.id, end, written } };
  if (!(await untilWritten(`the end of ${label}`, deps, () => store.finishStep(logged.id, end))))
    throw new ServiceDown('the service connection is closed');
  written();
  return { status };
}

function stepStatus(outcome: StepOutcome, onError: string, reason: AbortReason | undefined): Status {
  if (outcome.ok) return 's';
  if (reason?.kind === 'timeout' && reason.scope === 'run') return 'f';
  if (reason && reason.kind !== 'timeout') return 'd';
  if (outcome.refused) return 'f';
  return onError === 's' ? 's' : onError === 'i' ? 'i' : 'f';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
