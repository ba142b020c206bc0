// One run of a claimed job: a pga_joblog row, then the enabled steps in order of jstname, then
// jstid, each with a pga_jobsteplog row, then the run's status and duration, and the job
// released with jobnextrun NULL so the trigger computes its next run.
//
// Statuses, as pgAgent: a failed step is 'f' and fails the job if jstonerror = 'f'; with 's' it
// is recorded as succeeded, with 'i' as an ignored failure, and the job goes on. No enabled
// steps: the run is 'i'. A run cancelled (shutdown, or taken over by another agent's sweep while
// our connection was down) ends 'd', as does the step it was in. An error of the agent's own
// (not a step's) ends the run 'i'. Every write goes through ServiceConnection.submit(), which
// waits out and repeats across a reconnect, so each statement is safe to repeat (queries.ts).
import { DatabaseError } from 'pg';
import { Logger } from './logger';
import { describeError } from './pg-errors';
import * as q from './queries';
import { ServiceConnection } from './service';
import { failedStep, Step, StepOutcome, StepRunner } from './steps/step';

export interface ClaimedJob {
  jobid: number;
  jobname: string;
}

export type RunStatus = 's' | 'f' | 'i' | 'd';
type StepStatus = 's' | 'f' | 'i' | 'd';

export interface JobRunnerDeps {
  service: ServiceConnection;
  /** Step runners by jstkind. */
  steps: Record<string, StepRunner>;
  logger: Logger;
}

/**
 * The abort reason for a run another agent's sweep recorded aborted while our connection was
 * down: its job is no longer ours (it may be claimed again, even by us), so the run is stopped
 * and nothing more is written for it.
 */
export const TAKEN_OVER = 'another agent recorded this run aborted while our database connection was down';

/** Runs the job to its end; never rejects (what goes wrong is logged and recorded). */
export async function runJob(job: ClaimedJob, deps: JobRunnerDeps, signal: AbortSignal): Promise<void> {
  const { service, logger } = deps;
  const label = `job ${job.jobid} (${job.jobname})`;
  const started = performance.now();
  let runId: number | null = null;
  let status: RunStatus;
  try {
    runId = (await service.submit<{ id: number }>(q.NEXT_RUN_ID)).rows[0].id;
    await service.submit(q.INSERT_RUN, [runId, job.jobid]);
    logger.debug(`${label}: run ${runId} started`);
    status = await runSteps(job, runId, deps, signal);
  } catch (e) {
    logger.error(`${label}: run ${runId ?? '(none)'} ended by an agent error: ${describeError(e)}`);
    status = 'i';
  }
  const seconds = elapsed(started);
  if (signal.reason === TAKEN_OVER) {
    logger.error(`${label}: run ${runId} stopped, not recorded: ${TAKEN_OVER}`);
    return;
  }
  try {
    // Also without a run id (the run could not be logged): the job must not stay claimed.
    const released = (await service.submit(q.FINISH_RUN, [runId, status, seconds, job.jobid])).rowCount === 1;
    const line = `${label}: run ${runId} finished with status ${status} in ${seconds.toFixed(3)} s`;
    if (!released) logger.error(`${line}, not recorded: the job is no longer ours (deleted meanwhile?)`);
    else if (status === 's') logger.debug(line);
    else logger.warn(line);
  } catch (e) {
    logger.error(`${label}: could not record the end of run ${runId}: ${describeError(e)}`);
  }
}

async function runSteps(job: ClaimedJob, runId: number, deps: JobRunnerDeps, signal: AbortSignal): Promise<RunStatus> {
  const steps = (await deps.service.submit<Step & Record<string, unknown>>(q.JOB_STEPS, [job.jobid])).rows;
  if (!steps.length) {
    deps.logger.warn(`job ${job.jobid} (${job.jobname}) has no enabled steps`);
    return 'i';
  }
  for (const step of steps) {
    if (signal.aborted) return 'd';
    const status = await runStep(job, runId, step, deps, signal);
    if (status === 'd' || status === 'f') return status;
  }
  return 's';
}

async function runStep(job: ClaimedJob, runId: number, step: Step, deps: JobRunnerDeps, signal: AbortSignal): Promise<StepStatus> {
  const { service, logger } = deps;
  const stepRunId = (await service.submit<{ id: number }>(q.NEXT_STEP_RUN_ID)).rows[0].id;
  await service.submit(q.INSERT_STEP_RUN, [stepRunId, runId, step.jstid, job.jobid]);
  const started = performance.now();
  const runner = deps.steps[step.jstkind];
  let outcome: StepOutcome;
  try {
    outcome = runner ? await runner(step, signal) : failedStep(`unknown step kind "${step.jstkind}"`);
  } catch (e) {
    outcome = failedStep(`the agent could not run the step: ${describeError(e)}`);
  }
  const status = stepStatus(outcome, step.jstonerror, signal);
  await finishStepRun(service, [stepRunId, status, outcome.result, elapsed(started), outcome.output]);
  const line = `job ${job.jobid} step ${step.jstid} (${step.jstname}): status ${status}, result ${outcome.result}`;
  if (outcome.ok) logger.debug(line);
  else logger.warn(line);
  return status;
}

function stepStatus(outcome: StepOutcome, onError: string, signal: AbortSignal): StepStatus {
  if (outcome.ok) return 's';
  if (signal.aborted) return 'd';
  return onError === 's' ? 's' : onError === 'i' ? 'i' : 'f';
}

/**
 * Records a step's end. A database whose encoding cannot hold some character of the output
 * (SQL_ASCII, LATIN1, ...) refuses it: the output is then stored with those characters as '?'.
 */
async function finishStepRun(service: ServiceConnection, params: [number, StepStatus, number, number, string]): Promise<void> {
  try {
    await service.submit(q.FINISH_STEP_RUN, params);
  } catch (e) {
    if (!(e instanceof DatabaseError && e.code?.startsWith('22'))) throw e;
    const [id, status, result, seconds, output] = params;
    await service.submit(q.FINISH_STEP_RUN, [id, status, result, seconds, output.replace(/[^\t\n\r\x20-\x7e]/g, '?')]);
  }
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
