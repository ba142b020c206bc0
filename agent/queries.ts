// The statements of a run, each parameterised. (The service connection's and the poll's
// statements are in sql/.) The agent's identity in pgagent.pga_jobagent is the backend pid of
// its service connection, so statements that need it use pg_backend_pid() on that connection:
// always the registered pid, also after a reconnect gave the agent a new one.

// The run's statements below are retried after a reconnect, so each must be safe to repeat:
// log ids are drawn first and rows inserted with them ON CONFLICT DO NOTHING, and updates only
// touch rows still running. Log rows are only added while the job is ours: a job another
// agent's sweep took from us while we were disconnected gets no new 'r' row nobody would end.

export const NEXT_RUN_ID = "SELECT nextval('pgagent.pga_joblog_jlgid_seq')::int4 AS id";

export const NEXT_STEP_RUN_ID = "SELECT nextval('pgagent.pga_jobsteplog_jslid_seq')::int4 AS id";

export const INSERT_RUN = `
INSERT INTO pgagent.pga_joblog (jlgid, jlgjobid, jlgstatus)
SELECT $1, jobid, 'r' FROM pgagent.pga_job WHERE jobid = $2 AND jobagentid = pg_backend_pid()
ON CONFLICT (jlgid) DO NOTHING`;

export const JOB_STEPS = `
SELECT jstid, jstname, jstkind, jstcode, jstconnstr, jstdbname, jstonerror
  FROM pgagent.pga_jobstep
 WHERE jstjobid = $1 AND jstenabled
 ORDER BY jstname, jstid`;

export const INSERT_STEP_RUN = `
INSERT INTO pgagent.pga_jobsteplog (jslid, jsljlgid, jsljstid, jslstatus)
SELECT $1, $2, $3, 'r' FROM pgagent.pga_job WHERE jobid = $4 AND jobagentid = pg_backend_pid()
ON CONFLICT (jslid) DO NOTHING`;

export const FINISH_STEP_RUN = `
UPDATE pgagent.pga_jobsteplog
   SET jslstatus = $2, jslresult = $3, jslduration = make_interval(secs => $4), jsloutput = $5
 WHERE jslid = $1 AND jslstatus = 'r'`;

/**
 * Ends a run: the log's status and duration, and the job released with jobnextrun NULL so the
 * trigger computes the next run. The job is released only while we hold it: if a sweep took it
 * from us, another agent may hold it now.
 */
export const FINISH_RUN = `
WITH run AS (
  UPDATE pgagent.pga_joblog SET jlgstatus = $2, jlgduration = make_interval(secs => $3)
   WHERE jlgid = $1 AND jlgstatus = 'r'
)
UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL
 WHERE jobid = $4 AND jobagentid = pg_backend_pid()`;

/** Cancels a step's query from another connection to the same server. */
export const CANCEL_BACKEND = 'SELECT pg_cancel_backend($1)';
