// Extension 4.4's job control as the agent sees it: a job's time limits, read with its claim
// (poll.ts), and the stop requests (pgagent.stop) for the runs it holds.
import { Submit } from './runs';

/** A job's time limits from pga_job_settings (alias s), in seconds (NULL: no limit): the claim reads them (poll.ts). */
export const LIMITS_COLUMNS =
  'extract(epoch FROM s.timeout)::float8 AS run_seconds, extract(epoch FROM s.step_timeout)::float8 AS step_seconds';

export type LimitsRow = { run_seconds: number | null; step_seconds: number | null };

/** Stop requests for the running runs of jobs $1 (int4[]): who asked and when. */
export const STOP_REQUESTS = `
SELECT l.jlgjobid AS jobid, format('%s at %s', s.jspby, s.jsprequested) AS by
  FROM pgagent.pga_jobstop s
  JOIN pgagent.pga_joblog l ON l.jlgid = s.jspjlgid
 WHERE l.jlgstatus = 'r' AND l.jlgjobid = ANY ($1::int4[])`;

export interface JobLimits {
  runSeconds: number | null;
  stepSeconds: number | null;
}

export const NO_LIMITS: JobLimits = { runSeconds: null, stepSeconds: null };

export function limitsOf(row: LimitsRow): JobLimits {
  return { runSeconds: row.run_seconds, stepSeconds: row.step_seconds };
}

export async function stopRequests(
  submit: Submit,
  jobIds: number[],
): Promise<{ jobid: number; by: string }[]> {
  if (!jobIds.length) return [];
  return (await submit<{ jobid: number; by: string }>(STOP_REQUESTS, [jobIds])).rows;
}
