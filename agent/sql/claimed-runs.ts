// The runs the claim logged (poll.ts), handed to the RunStore (runs.ts) that the job runner
// writes through, so a claimed run starts without statements of its own.
import { Step } from '../steps/step';

/** A run the claim has logged, and its job's steps as the claim read them. */
export interface ClaimedRun {
  runId: number;
  steps: Step[];
}

/**
 * Hands the runs the claim logged to the RunStore: startRun takes the run id, then steps the
 * steps. An entry nobody takes (a runner that ended early) is replaced by the job's next claim.
 */
export class ClaimedRuns {
  private readonly byJob = new Map<number, { runId: number | null; steps: Step[] }>();

  put(jobId: number, run: ClaimedRun): void {
    this.byJob.set(jobId, { ...run });
  }

  takeRunId(jobId: number): number | null {
    const entry = this.byJob.get(jobId);
    const runId = entry?.runId ?? null;
    if (entry && runId !== null) entry.runId = null;
    else this.byJob.delete(jobId); // a run the claim did not log: older steps are no longer its own
    return runId;
  }

  /** The steps of the claimed run whose id was just taken. */
  takeSteps(jobId: number): Step[] | null {
    const entry = this.byJob.get(jobId);
    if (!entry || entry.runId !== null) return null;
    this.byJob.delete(jobId);
    return entry.steps;
  }
}
