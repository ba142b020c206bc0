// The statuses pgAgent stores for runs (pga_joblog.jlgstatus) and step runs
// (pga_jobsteplog.jslstatus), and why a run can be stopped before its end (an AbortSignal's
// reason): each reason says whether the run's end is still recorded, and as what.

/** 'r' running, 's' succeeded, 'f' failed, 'i' ignored failure (or no steps), 'd' aborted. */
export type Status = 'r' | 's' | 'f' | 'i' | 'd';

export type AbortReason =
  /** The agent is shutting down (SIGTERM/SIGINT) and the grace period is over. */
  | { kind: 'shutdown' }
  /** Another agent's sweep recorded the run aborted while we were away: the job is no longer ours. */
  | { kind: 'lost' }
  /** The job was deleted while it ran: there is nothing left to record it in. */
  | { kind: 'deleted' }
  /** The run, or the step, exceeded its time limit (pgagent.alter_job's timeout, step_timeout). */
  | { kind: 'timeout'; seconds: number; scope: 'run' | 'step' }
  /** Someone asked for the run to stop (pgagent.stop): who and when. */
  | { kind: 'stop'; by?: string };

export const SHUTDOWN: AbortReason = { kind: 'shutdown' };
export const LOST: AbortReason = { kind: 'lost' };
export const DELETED: AbortReason = { kind: 'deleted' };

/** The reason a signal was aborted with; a reason that is not ours counts as a shutdown. */
export function abortReason(signal: AbortSignal): AbortReason | undefined {
  if (!signal.aborted) return undefined;
  const r = signal.reason as Partial<AbortReason> | undefined;
  return r && typeof r === 'object' && typeof r.kind === 'string' ? (r as AbortReason) : SHUTDOWN;
}

/** Whether the run's end is still ours to write (not when its rows belong to someone else or are gone). */
export function recordable(reason: AbortReason | undefined): boolean {
  return reason?.kind !== 'lost' && reason?.kind !== 'deleted';
}

/** For step output and the log. */
export function describeAbort(reason: AbortReason): string {
  switch (reason.kind) {
    case 'shutdown':
      return 'the agent is shutting down';
    case 'lost':
      return 'another agent recorded this run aborted while our database connection was down';
    case 'deleted':
      return 'the job was deleted while it ran';
    case 'timeout':
      return `timed out after ${reason.seconds} s (the ${reason.scope === 'run' ? "job's timeout" : "job's step_timeout"})`;
    case 'stop':
      return `stop requested${reason.by ? ` by ${reason.by}` : ''}`;
  }
}
