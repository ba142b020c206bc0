// Runs of a job written as an agent writes them (pga_joblog and pga_jobsteplog rows), and
// agents registered and claiming jobs as an agent does, for the views and explain() tests.
import type { Client } from 'pg';

export interface StepRun {
  jstid: number;
  status: 'r' | 's' | 'f' | 'i' | 'd';
  output?: string;
  result?: number;
}

/** A run of the job that started at `start` (and took a minute unless still running); returns its id. */
export async function recordRun(
  client: Client,
  jobid: number,
  status: string,
  start: string,
  steps: StepRun[] = [],
): Promise<number> {
  const r = await client.query(
    `INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
     VALUES ($1, $2::char, $3, CASE WHEN $2::char = 'r' THEN NULL ELSE interval '1 minute' END) RETURNING jlgid`,
    [jobid, status, start],
  );
  const jlgid = r.rows[0].jlgid as number;
  for (const s of steps) {
    await client.query(
      `INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jslstart, jsloutput)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [jlgid, s.jstid, s.status, s.result ?? null, start, s.output ?? ''],
    );
  }
  return jlgid;
}

/** Registers an agent under `pid` on `station`. */
export async function registerAgent(client: Client, pid: number, station: string): Promise<void> {
  await client.query('INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES ($1, $2)', [pid, station]);
}

/** The agent's claim: the job must be due (the claim guard), then jobagentid is set. */
export async function claim(client: Client, jobid: number, pid: number): Promise<void> {
  await client.query('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = $1', [jobid]);
  const r = await client.query(
    'UPDATE pgagent.pga_job SET jobagentid = $2, joblastrun = now() WHERE jobid = $1 AND jobagentid IS NULL',
    [jobid, pid],
  );
  if (r.rowCount !== 1) throw new Error(`job ${jobid} was not claimed`);
}

/** A backend pid that no live backend has. */
export async function deadPid(client: Client): Promise<number> {
  const r = await client.query('SELECT max(pid) + 100000 AS pid FROM pg_stat_activity');
  return r.rows[0].pid;
}
