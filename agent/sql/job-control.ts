// Extension 4.4's job control as the agent sees it: a job's time limits, read when its run
// starts, and the stop requests (pgagent.stop) for the runs it holds.
import { Submit } from './runs';

/** Seconds; NULL: no limit. */
export const JOB_LIMITS = `
SELECT extract(epoch FROM timeout)::float8 AS run_seconds, extract(epoch FROM step_timeout)::float8 AS step_seconds
  FROM pgagent.pga_job_settings($1)`;

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

export async function jobLimits(submit: Submit, jobId: number): Promise<JobLimits> {
  const [row] = (
    await submit<{ run_seconds: number | null; step_seconds: number | null }>(JOB_LIMITS, [jobId])
  ).rows;
  return { runSeconds: row.run_seconds, stepSeconds: row.step_seconds };
}

export async function stopRequests(
  submit: Submit,
  jobIds: number[],
): Promise<{ jobid: number; by: string }[]> {
  if (!jobIds.length) return [];
  return (await submit<{ jobid: number; by: string }>(STOP_REQUESTS, [jobIds])).rows;
}
