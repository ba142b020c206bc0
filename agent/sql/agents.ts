// The agents' rows in pgagent.pga_jobagent: registering, the take-over after a reconnect, and
// the sweep of dead agents. An agent's identity is the backend pid of its service connection,
// so statements about "us" use pg_backend_pid() on that connection.
import { Db } from './db';

/**
 * The agent row (alias a) has a live backend: its pid is in pg_stat_activity and that backend
 * is not younger than the row (a younger one got a dead agent's pid again). backend_start is
 * NULL for other roles' backends without pg_read_all_stats: those count as the agent's.
 */
const PID_ALIVE = `EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity s
                    WHERE s.pid = a.jagpid AND coalesce(s.backend_start <= a.jaglogintime, true))`;

/**
 * When the judging agent (this connection) registered; now() before it has (the sweep at
 * registration). An agent alone on its database renews no lease (poll.ts), so a lease counts
 * from the judge's arrival at the earliest: that woke the other agent to renew.
 */
const JUDGE_SINCE = `coalesce((SELECT j.jaglogintime FROM pgagent.pga_jobagent j WHERE j.jagpid = pg_backend_pid()), now())`;

/**
 * The lease has run out `times` over. A server restart ends every backend, so the lease
 * counts from the restart at the earliest: agents get their lease to come back after it.
 */
const leaseExpired = (times: number): string =>
  `greatest(a.jagseen, pg_catalog.pg_postmaster_start_time(), ${JUDGE_SINCE}) + a.jaglease * ${times} < now()`;

/**
 * A dead agent, by pid alone: how pgAgent 4.2 (and schemas before 4.4, without a lease) judge it.
 * Never ourselves (a row left with our new pid is passed to the sweep as known dead): so an
 * agent alone on its database never makes the probe read pg_stat_activity.
 */
const DEAD_BY_PID = `a.jagpid <> pg_backend_pid() AND NOT ${PID_ALIVE}`;

/**
 * A dead agent, with 4.4's lease: its lease has run out and its backend is gone; or its lease
 * ran out twice over although its backend lives (a frozen agent: the sweep ends that backend).
 * Rows without a lease (pgAgent 4.2's agent) keep the pid rule. Never ourselves. The lease is
 * tested first, so a poll beside live agents never reads pg_stat_activity.
 */
const DEAD_BY_LEASE = `a.jagpid <> pg_backend_pid() AND CASE
  WHEN a.jaglease IS NULL OR a.jagseen IS NULL THEN NOT ${PID_ALIVE}
  ELSE (${leaseExpired(1)} AND NOT ${PID_ALIVE}) OR ${leaseExpired(2)} END`;

/** The dead-agent predicate (alias a) for a schema with or without leases: the probe and the sweep share it. */
export const agentIsDead = (lease: boolean): string => (lease ? DEAD_BY_LEASE : DEAD_BY_PID);

export const BACKEND_PID = 'SELECT pg_backend_pid() AS pid';

export const REGISTER = 'INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (pg_backend_pid(), $1)';

export const REGISTER_WITH_LEASE = `
INSERT INTO pgagent.pga_jobagent (jagpid, jagstation, jagseen, jaglease)
VALUES (pg_backend_pid(), $1, now(), make_interval(secs => $2))`;

export const DEREGISTER = 'DELETE FROM pgagent.pga_jobagent WHERE jagpid = pg_backend_pid()';

/** leaseSeconds null: a schema without leases. */
export async function registerAgent(db: Db, station: string, leaseSeconds: number | null): Promise<void> {
  if (leaseSeconds === null) await db.query(REGISTER, [station]);
  else await db.query(REGISTER_WITH_LEASE, [station, leaseSeconds]);
}

export async function deregisterAgent(db: Db): Promise<void> {
  await db.query(DEREGISTER);
}

export async function backendPid(db: Db): Promise<number> {
  return (await db.query<{ pid: number }>(BACKEND_PID)).rows[0].pid;
}

/**
 * After a reconnect: lock our previous registration so no sweep can clear it meanwhile (the
 * sweep skips locked rows). No row: another agent has swept it, the runs we still hold were
 * recorded aborted.
 */
export const TAKE_OVER_LOCK = 'SELECT jagpid FROM pgagent.pga_jobagent WHERE jagpid = $1 FOR UPDATE';

/** Moves the jobs we are still running from our previous pid ($1) to the new one. */
export const TAKE_OVER_JOBS = `
UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid()
 WHERE jobagentid = $1 AND jobid = ANY($2::int4[])
RETURNING jobid`;

/**
 * Jobs the previous pid claimed that we do not run (the claim's reply was lost): release them,
 * still due, and drop the log rows the claim wrote for runs that never started (the run's row
 * and its first step's, still running; the step row goes with the run's by its foreign key).
 */
export const RELEASE_UNKNOWN = `
WITH released AS (
  UPDATE pgagent.pga_job SET jobagentid = NULL
   WHERE jobagentid = $1 AND NOT (jobid = ANY($2::int4[]))
  RETURNING jobid
)
DELETE FROM pgagent.pga_joblog l
 WHERE l.jlgstatus = 'r' AND l.jlgjobid IN (SELECT jobid FROM released)
   AND NOT EXISTS (SELECT 1 FROM pgagent.pga_jobsteplog WHERE jsljlgid = l.jlgid AND jslstatus <> 'r')`;

export const DELETE_AGENT = 'DELETE FROM pgagent.pga_jobagent WHERE jagpid = $1';

export async function lockPreviousAgent(db: Db, pid: number): Promise<boolean> {
  return (await db.query(TAKE_OVER_LOCK, [pid])).rowCount === 1;
}

/** Moves the running jobs to our new pid, releases the rest and drops the old row; returns the jobs kept. */
export async function takeOverJobs(
  db: Db,
  previous: number,
  running: number[],
  dropRow: boolean,
): Promise<number[]> {
  const kept = (await db.query<{ jobid: number }>(TAKE_OVER_JOBS, [previous, running])).rows.map(
    (r) => r.jobid,
  );
  await db.query(RELEASE_UNKNOWN, [previous, running]);
  if (dropRow) await db.query(DELETE_AGENT, [previous]);
  return kept;
}

export interface SweptAgent {
  pid: number;
  station: string;
  /** Jobs released. */
  jobs: number;
  /** Runs recorded aborted. */
  runs: number;
  /** Backends ended: a frozen agent's own, and its runs' SQL steps on this server. */
  backends: number;
}

/**
 * Clears dead agents in one statement. At registration, $1 adds a pid known dead (a row left
 * with the pid the server has just given us) and $2 spares one (our previous registration,
 * which we are taking over). Their running logs become 'd' (aborted), their jobs are released
 * with jobnextrun NULL (the trigger recomputes it) and their rows are deleted. SKIP LOCKED
 * leaves alone a row its reconnecting owner has locked to take its jobs over (TAKE_OVER_LOCK).
 */
const sweep = (lease: boolean): string => `
WITH zombies AS (
  SELECT jagpid, jagstation, ${PID_ALIVE} AS alive FROM pgagent.pga_jobagent a
   WHERE (a.jagpid = ANY($1::int4[]) OR ${agentIsDead(lease)})
     AND NOT a.jagpid = ANY($2::int4[])
     FOR UPDATE SKIP LOCKED
), jobs AS (
  UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL
   WHERE jobagentid IN (SELECT jagpid FROM zombies)
  RETURNING jobid
), runs AS (
  UPDATE pgagent.pga_joblog SET jlgstatus = 'd'
   WHERE jlgstatus = 'r' AND jlgjobid IN (SELECT jobid FROM jobs)
  RETURNING jlgid, jlgjobid
), steps AS (
  UPDATE pgagent.pga_jobsteplog SET jslstatus = 'd'
   WHERE jslstatus = 'r' AND jsljlgid IN (SELECT jlgid FROM runs)
  RETURNING jslid
), gone AS (
  DELETE FROM pgagent.pga_jobagent WHERE jagpid IN (SELECT jagpid FROM zombies)
  RETURNING jagpid, jagstation
)${lease ? TERMINATE_BACKENDS : ''}
SELECT jagpid AS pid, jagstation AS station,
       (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM runs)::int AS runs,
       ${lease ? '(SELECT count(*) FILTER (WHERE ended) FROM ended)::int' : '0'} AS backends
  FROM gone`;

/**
 * 4.4: a frozen agent's own backend, and the SQL steps of the runs recorded aborted (their
 * connections are named "pgagent job <jobid> run <jlgid>"), so that nothing of a dead agent
 * keeps working beside the job's next run (named with this database's OID too: another database's
 * job may have the same ids; see stepConnectionName). Only on this server: steps on other servers
 * (jstconnstr) are not reached.
 */
const TERMINATE_BACKENDS = `, ended AS (
  SELECT pgagent.pga_terminate_backend(jagpid) AS ended FROM zombies WHERE alive AND jagpid <> pg_backend_pid()
  UNION ALL
  SELECT pgagent.pga_terminate_backend(s.pid) FROM pg_catalog.pg_stat_activity s
    JOIN runs r ON s.application_name = 'pgagent job ' || r.jlgjobid || ' run ' || r.jlgid || ' db ' ||
                   (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
)`;

export const SWEEP_DEAD_AGENTS = sweep(true);
export const SWEEP_DEAD_AGENTS_BY_PID = sweep(false);

export async function sweepDeadAgents(
  db: Db,
  lease: boolean,
  knownDead: number[] = [],
  spared: number[] = [],
): Promise<SweptAgent[]> {
  return (
    await db.query<SweptAgent & Record<string, unknown>>(
      lease ? SWEEP_DEAD_AGENTS : SWEEP_DEAD_AGENTS_BY_PID,
      [knownDead, spared],
    )
  ).rows;
}
