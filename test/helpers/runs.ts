// Jobs' runs as the agent logs them, and waits for them.
import { JobDb } from './jobs';
import { waitFor } from './wait';

export type StepRun = {
  jstname: string;
  jslstatus: string;
  jslresult: number | null;
  jsloutput: string | null;
};

export type Run = {
  jlgid: number;
  jlgstatus: string;
  jlgduration: unknown;
  steps: StepRun[];
};

/** The job's runs, oldest first, each with its step runs in the order they ran. */
export async function runsOf(db: JobDb, jobid: number): Promise<Run[]> {
  const rows = await db.query<Run & { steps: StepRun[] | null }>(
    `SELECT jlgid, jlgstatus, jlgduration,
            (SELECT json_agg(json_build_object('jstname', jstname, 'jslstatus', jslstatus, 'jslresult', jslresult,
                                               'jsloutput', jsloutput) ORDER BY jslid)
               FROM pgagent.pga_jobsteplog JOIN pgagent.pga_jobstep ON jstid = jsljstid
              WHERE jsljlgid = jlgid) AS steps
       FROM pgagent.pga_joblog WHERE jlgjobid = $1 ORDER BY jlgid`,
    [jobid],
  );
  return rows.map((r) => ({ ...r, steps: r.steps ?? [] }));
}

/** Waits until the job has `count` finished runs and is released; returns its runs. */
export async function waitForRuns(db: JobDb, jobid: number, count = 1, timeoutMs = 30_000): Promise<Run[]> {
  let runs: Run[] = [];
  await waitFor(
    async () => {
      const [job] = await db.query<{ jobagentid: number | null }>(
        'SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1',
        [jobid],
      );
      runs = await runsOf(db, jobid);
      return job.jobagentid === null && runs.filter((r) => r.jlgstatus !== 'r').length >= count;
    },
    {
      timeoutMs,
      what: `${count} finished run(s) of job ${jobid}`,
      context: () => JSON.stringify(runs, null, 1),
    },
  );
  return runs;
}

/** Waits until the job has a run in progress (a step log row 'r'). */
export async function waitForRunningStep(db: JobDb, jobid: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () =>
      (
        await db.query(
          `SELECT 1 FROM pgagent.pga_jobsteplog JOIN pgagent.pga_joblog ON jlgid = jsljlgid
            WHERE jlgjobid = $1 AND jslstatus = 'r'`,
          [jobid],
        )
      ).length > 0,
    { timeoutMs, what: `a running step of job ${jobid}` },
  );
}

/** Waits until the job's running SQL step is executing (on its backend named `pgagent job <jobid> run <jlgid> db <oid>`); returns that backend's pid. */
export async function stepBackendPid(db: JobDb, jobid: number, timeoutMs = 30_000): Promise<number> {
  let pid = 0;
  await waitFor(
    async () => {
      const rows = await db.query<{ pid: number }>(
        `SELECT s.pid FROM pg_stat_activity s JOIN pgagent.pga_joblog l ON s.application_name = 'pgagent job ' || l.jlgjobid || ' run ' || l.jlgid || ' db ' || (SELECT oid FROM pg_database WHERE datname = current_database())
          WHERE l.jlgjobid = $1 AND l.jlgstatus = 'r' AND s.state = 'active'`,
        [jobid],
      );
      pid = rows[0]?.pid ?? 0;
      return pid !== 0;
    },
    { timeoutMs, what: `the backend of job ${jobid}'s running SQL step` },
  );
  return pid;
}
