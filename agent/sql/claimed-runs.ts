// The runs a claim has logged (poll.ts), handed to the RunStore (runs.ts) as their runners
// start: so a claimed run and its first step start without statements of their own.
import { Step } from '../steps/step';
import type { JobLimits } from './job-control';

/**
 * A run the claim has logged, its job's steps (and, with job control, time limits) as the claim
 * read them, and its first step's log row (null: no enabled step).
 */
export interface ClaimedRun {
  runId: number;
  steps: Step[];
  limits?: JobLimits;
  firstStep: { stepId: number; stepRunId: number } | null;
}

/**
 * Hands the runs the claim logged to the RunStore: startRun takes the run id, then steps the
 * steps, then startStep the first step's row. An entry nobody takes (a runner that ended
 * early) is replaced by the job's next claim; a first step's row nobody took goes with its
 * run's end.
 */
export class ClaimedRuns {
  private readonly byJob = new Map<number, { runId: number | null; steps: Step[]; limits?: JobLimits }>();
  private readonly firstSteps = new Map<number, { stepId: number; stepRunId: number }>();

  put(jobId: number, { firstStep, ...run }: ClaimedRun): void {
    this.byJob.set(jobId, run);
    if (firstStep) this.firstSteps.set(run.runId, firstStep);
  }

  /** The row the claim logged for this step of the run, if it is the run's first step; once. */
  takeFirstStep(runId: number, stepId: number): number | null {
    const first = this.firstSteps.get(runId);
    if (!first) return null;
    this.firstSteps.delete(runId);
    return first.stepId === stepId ? first.stepRunId : null;
  }

  /** The run has ended. */
  forget(runId: number): void {
    this.firstSteps.delete(runId);
  }

  takeRunId(jobId: number): number | null {
    const entry = this.byJob.get(jobId);
    const runId = entry?.runId ?? null;
    if (entry && runId !== null) entry.runId = null;
    else this.byJob.delete(jobId); // a run the claim did not log: older steps are no longer its own
    return runId;
  }

  /** The time limits of the claimed run whose id was just taken, if the claim read them. */
  limits(jobId: number): JobLimits | undefined {
    const entry = this.byJob.get(jobId);
    return entry && entry.runId === null ? entry.limits : undefined;
  }

  /** The steps of the claimed run whose id was just taken. */
  takeSteps(jobId: number): Step[] | null {
    const entry = this.byJob.get(jobId);
    if (!entry || entry.runId !== null) return null;
    this.byJob.delete(jobId);
    return entry.steps;
  }
}
