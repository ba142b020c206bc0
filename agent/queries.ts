// Every statement the agent sends to the service database, each parameterised.
// The agent's identity in pgagent.pga_jobagent is the backend pid of its service connection, so
// statements that need it use pg_backend_pid() on that connection: always the registered pid,
// also after a reconnect gave the agent a new one.

/** 'pga_job' resolves only when the schema exists (to_regclass returns NULL otherwise). */
export const SCHEMA_CHECK = `
SELECT to_regclass('pgagent.pga_job') IS NOT NULL AS has_schema,
       to_regprocedure('pgagent.pgagent_schema_version()') IS NOT NULL AS has_version_function`;

/** An agent row (alias a) whose backend is gone: the probe and the sweep must agree on it. */
const AGENT_IS_DEAD = 'NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity s WHERE s.pid = a.jagpid)';

/** A job that station $1 may claim once it is due: the probe and the claim must agree on it. */
const CLAIMABLE_BY_STATION = "jobenabled AND jobagentid IS NULL AND (jobhostagent = '' OR jobhostagent = $1)";

export const SCHEMA_VERSION = 'SELECT pgagent.pgagent_schema_version() AS version';

export const BACKEND_PID = 'SELECT pg_backend_pid() AS pid';

export const REGISTER = 'INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (pg_backend_pid(), $1)';

export const DEREGISTER = 'DELETE FROM pgagent.pga_jobagent WHERE jagpid = pg_backend_pid()';

/**
 * Clears dead agents in one statement: an agent is dead when its pid is not in pg_stat_activity.
 * At registration, $1 adds a pid known dead (a row left with the pid the server has just given
 * us) and $2 spares one (our previous registration, which we are taking over).
 * Their running logs become 'd' (aborted), their jobs are released with jobnextrun NULL (the
 * trigger recomputes it) and their rows are deleted. SKIP LOCKED leaves alone an agent row that
 * its reconnecting owner has locked to take its jobs over (see TAKE_OVER_LOCK).
 */
export const SWEEP_ZOMBIES = `
WITH zombies AS (
  SELECT jagpid, jagstation FROM pgagent.pga_jobagent a
   WHERE (a.jagpid = ANY($1::int4[]) OR ${AGENT_IS_DEAD})
     AND NOT a.jagpid = ANY($2::int4[])
     FOR UPDATE SKIP LOCKED
), jobs AS (
  UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL
   WHERE jobagentid IN (SELECT jagpid FROM zombies)
  RETURNING jobid
), runs AS (
  UPDATE pgagent.pga_joblog SET jlgstatus = 'd'
   WHERE jlgstatus = 'r' AND jlgjobid IN (SELECT jobid FROM jobs)
  RETURNING jlgid
), steps AS (
  UPDATE pgagent.pga_jobsteplog SET jslstatus = 'd'
   WHERE jslstatus = 'r' AND jsljlgid IN (SELECT jlgid FROM runs)
  RETURNING jslid
), gone AS (
  DELETE FROM pgagent.pga_jobagent WHERE jagpid IN (SELECT jagpid FROM zombies)
  RETURNING jagpid, jagstation
)
SELECT jagpid AS pid, jagstation AS station,
       (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM runs)::int AS runs
  FROM gone`;

/**
 * After a reconnect: lock our previous registration so no sweep can clear it meanwhile. No row
 * means another agent has already swept it: the runs we still hold were recorded aborted.
 */
export const TAKE_OVER_LOCK = 'SELECT jagpid FROM pgagent.pga_jobagent WHERE jagpid = $1 FOR UPDATE';

/** Moves the jobs we are still running from our previous pid ($1) to the new one. */
export const TAKE_OVER_JOBS = `
UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid()
 WHERE jobagentid = $1 AND jobid = ANY($2::int4[])
RETURNING jobid`;

/** Jobs the previous pid claimed that we do not run (the claim's reply was lost): release them, still due. */
export const RELEASE_UNKNOWN = `
UPDATE pgagent.pga_job SET jobagentid = NULL
 WHERE jobagentid = $1 AND NOT (jobid = ANY($2::int4[]))`;

export const DELETE_AGENT = 'DELETE FROM pgagent.pga_jobagent WHERE jagpid = $1';

/**
 * Claims up to $2 due jobs for station $1 in one statement. SKIP LOCKED lets agents claim side
 * by side without waiting on each other; the re-checked conditions (a row locked by another
 * agent's claim or run end is re-read) make a job run once per due time, also beside pgAgent
 * 4.2's agent, whose claim is `UPDATE ... WHERE jobid = ? AND jobagentid IS NULL`.
 */
export const CLAIM_DUE_JOBS = `
UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid(), joblastrun = now()
 WHERE jobid IN (
   SELECT jobid FROM pgagent.pga_job
    WHERE ${CLAIMABLE_BY_STATION} AND jobnextrun <= now()
    ORDER BY jobnextrun
    LIMIT $2
      FOR UPDATE SKIP LOCKED)
RETURNING jobid, jobname`;

/**
 * A poll's first statement, read-only, and an idle poll's only one: whether a dead agent is
 * registered (as SWEEP_ZOMBIES decides it), whether a job is due for station $1, and the
 * seconds until its next one (NULL: none scheduled). The sweep and the claim run only when
 * it says so. A due job is excluded from `seconds`, so one nobody can claim yet is no busy loop.
 */
export const POLL_PROBE = `
SELECT EXISTS (SELECT 1 FROM pgagent.pga_jobagent a WHERE ${AGENT_IS_DEAD}) AS zombies,
       EXISTS (SELECT 1 FROM pgagent.pga_job WHERE ${CLAIMABLE_BY_STATION} AND jobnextrun <= now()) AS due,
       (SELECT extract(epoch FROM min(jobnextrun) - clock_timestamp())::float8
          FROM pgagent.pga_job WHERE ${CLAIMABLE_BY_STATION} AND jobnextrun > now()) AS seconds`;

/**
 * Extension 4.3's trigger pga_job_notify notifies this channel when a job becomes due sooner
 * than an agent may know (Run now, a new or changed schedule). Without it (4.2) nothing comes.
 */
export const LISTEN = 'LISTEN pgagent_job';
