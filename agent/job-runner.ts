// One run of a claimed job: a pga_joblog row, then the enabled steps in order of jstname, then
// jstid, each with a pga_jobsteplog row, then the run's status and duration, and the job
// released with jobnextrun NULL so the trigger computes its next run.
//
// Statuses, as pgAgent: a failed step is 'f' and fails the job if jstonerror = 'f'; with 's' it
// is recorded as succeeded, with 'i' as an ignored failure, and the job goes on. No enabled
// steps: the run is 'i'. A step this agent refuses (--no-batch) is 'f' whatever jstonerror says.
// A run aborted (status.ts) ends 'd', as does the step it was in, unless its job was lost to
// another agent's sweep or deleted: then nothing more is written for it. An error of the
// agent's own (not a step's) ends the run 'i'. A time limit (4.4's timeout and step_timeout)
// cancels the run or step like an abort but is a failure: a step over its step_timeout gets
// its jstonerror rule as any failed step, a run over its timeout ends 'f'. One step's run is
// step-run.ts; the end of a step or run is written until it succeeds (until-written.ts), the
// step that ends the run with the run's end.
import { AgentEvents } from './events';
import { Logger } from './logger';
import { describeError } from './pg-errors';
import { ServiceDown } from './service';
import { JobLimits, NO_LIMITS } from './sql/job-control';
import { RunStore } from './sql/runs';
import { abortReason, AbortReason, describeAbort, recordable, Status } from './status';
import { StepRunner } from './steps/step';
import { withTimeLimit } from './time-limit';
import { EndingStep, runStep } from './step-run';
import { elapsedSeconds } from './timers';
import { untilWritten } from './until-written';

export interface ClaimedJob {
  jobid: number;
  jobname: string;
  /** Seconds between the job's due time and its claim. */
  late?: number;
}

export interface JobRunnerDeps {
  store: RunStore;
  /** Step runners by jstkind. */
  steps: Record<string, StepRunner>;
  logger: Logger;
  events: AgentEvents;
  /** The agent's registered pid, for the log. */
  agentPid(): number | null;
  /** The job's time limits (4.4); none when omitted. */
  limits?(jobId: number): Promise<JobLimits>;
  /** Back-off of a refused write: first wait and longest wait (ms). */
  retryMs?: { first: number; max: number };
}

export type StepsEnd = { status: Status; ending?: EndingStep } | { stopped: AbortReason };

/** Runs the job to its end; never rejects (what goes wrong is logged and recorded). */
export async function runJob(job: ClaimedJob, deps: JobRunnerDeps, signal: AbortSignal): Promise<void> {
  const { store, logger, events } = deps;
  const label = `job ${job.jobid} (${job.jobname})`;
  const fields = (more: Record<string, unknown> = {}): Record<string, unknown> => ({
    job: job.jobid,
    ...more,
    agent_pid: deps.agentPid(),
  });
  const started = performance.now();
  let runId: number | null = null;
  let end: StepsEnd;
  let limited = withTimeLimit(signal, null, 'run');
  try {
    runId = await store.startRun(job.jobid);
    if (runId === null) {
      logger.warn(
        `${label}: not run: the job is no longer ours (deleted, or released by another agent)`,
        fields(),
      );
      return;
    }
    logger.debug(`${label}: run ${runId} started`, fields({ run: runId }));
    events.emit('runStarted', { jobId: job.jobid, jobName: job.jobname, runId });
    const limits = deps.limits ? await deps.limits(job.jobid) : NO_LIMITS;
    limited = withTimeLimit(signal, limits.runSeconds, 'run');
    end = await runSteps(job, runId, deps, limited.signal, limits.stepSeconds);
  } catch (e) {
    if (e instanceof ServiceDown) return; // closed: nothing can be written any more
    logger.error(
      `${label}: run ${runId ?? '(none)'} ended by an agent error: ${describeError(e)}`,
      fields({ run: runId }),
    );
    end = { status: 'i' };
  } finally {
    limited.clear();
  }
  const seconds = elapsedSeconds(started);
  const notRecorded = (reason: AbortReason): void => {
    logger.error(
      `${label}: run ${runId} stopped, not recorded: ${describeAbort(reason)}`,
      fields({ run: runId }),
    );
    events.emit('runFinished', {
      jobId: job.jobid,
      jobName: job.jobname,
      runId,
      status: 'd',
      seconds,
      recorded: false,
    });
  };
  const stopped = 'stopped' in end ? end.stopped : abortReason(limited.signal);
  if (!recordable(stopped)) return notRecorded(stopped!);
  const status = 'status' in end ? end.status : 'd';
  const ending = 'ending' in end ? end.ending : undefined;
  // Also without a run id (the run could not be logged): the job must not stay claimed.
  const written = await untilWritten(`the end of run ${runId} of ${label}`, deps, () =>
    store.finishRun(runId, job.jobid, status, seconds, ending),
  );
  if (!written) return;
  const released = written.value;
  // The job was lost while its end was written (that write waits for a reconnect, whose take-over finds it swept).
  const lost = abortReason(signal);
  if (!released && !recordable(lost)) return notRecorded(lost!);
  ending?.written();
  const line = `${label}: run ${runId} finished with status ${status} in ${seconds.toFixed(3)} s`;
  if (!released)
    logger.error(
      `${line}, not recorded: the job is no longer ours (deleted meanwhile?)`,
      fields({ run: runId, status }),
    );
  else if (status === 's') logger.debug(line, fields({ run: runId, status }));
  else logger.warn(line, fields({ run: runId, status }));
  events.emit('runFinished', {
    jobId: job.jobid,
    jobName: job.jobname,
    runId,
    status,
    seconds,
    recorded: released,
  });
}

async function runSteps(
  job: ClaimedJob,
  runId: number,
  deps: JobRunnerDeps,
  signal: AbortSignal,
  stepSeconds: number | null,
): Promise<StepsEnd> {
  const steps = await deps.store.steps(job.jobid);
  if (!steps.length) {
    deps.logger.warn(`job ${job.jobid} (${job.jobname}) has no enabled steps`, {
      job: job.jobid,
      run: runId,
      agent_pid: deps.agentPid(),
    });
    return { status: 'i' };
  }
  for (const [i, step] of steps.entries()) {
    if (signal.aborted) return { status: abortReason(signal)?.kind === 'timeout' ? 'f' : 'd' };
    const end = await runStep(job, runId, step, deps, signal, stepSeconds, i === steps.length - 1);
    if ('stopped' in end) return end;
    if (end.ending)
      return { status: end.status === 'd' || end.status === 'f' ? end.status : 's', ending: end.ending };
  }
  return { status: 's' };
}
