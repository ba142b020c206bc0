-- One row per job, for people and monitoring: its enabled schedules as cron text with their
-- zones (a schedule cron cannot express shows its name), the next run, the run in progress
-- (station, agent pid, whether that agent is alive, since when), the last finished run, how
-- many finished runs have not succeeded since the last success, and the last failure; then
-- its job control settings, the retry pending (next attempt and when) and the last run the
-- misfire policy skipped, with why.
CREATE VIEW pgagent.job_status AS
SELECT j.jobid,
       j.jobname,
       j.jobenabled AS enabled,
       sch.schedules,
       j.jobnextrun AS next_run,
       a.jagstation AS running_station,
       j.jobagentid AS running_agent,
       CASE WHEN j.jobagentid IS NOT NULL THEN pgagent.pga_agent_alive(j.jobagentid) END AS running_agent_alive,
       CASE WHEN j.jobagentid IS NOT NULL THEN coalesce(cur.jlgstart, j.joblastrun) END AS running_since,
       last.jlgstart AS last_start,
       last.status_text AS last_status,
       last.jlgduration AS last_duration,
       coalesce(fails.n, 0) AS consecutive_failures,
       lf.jlgstart AS last_failure_at,
       lf.step AS last_failure_step,
       lf.message AS last_failure_message,
       js.timeout,
       js.step_timeout,
       js.max_retries,
       js.retry_delay,
       js.retry_max_delay,
       js.retry_jitter,
       js.misfire,
       js.misfire_grace,
       r.jrattempt AS next_attempt,
       r.jrat AS retry_at,
       sk.jskslot AS last_skipped_slot,
       sk.jskreason AS last_skip_reason
  FROM pgagent.pga_job j
  LEFT JOIN pgagent.pga_jobagent a ON a.jagpid = j.jobagentid
  LEFT JOIN pgagent.pga_jobretry r ON r.jrjobid = j.jobid
 CROSS JOIN LATERAL pgagent.pga_job_settings(j.jobid) AS js
  LEFT JOIN LATERAL (
        SELECT array_agg(format('%s (%s)', coalesce(pgagent.cron_expression(s.jscid), format('schedule "%s"', s.jscname)),
                                coalesce(s.jsctimezone, pgagent.pga_timezone()))
                         ORDER BY s.jscid) AS schedules
          FROM pgagent.pga_schedule s
         WHERE s.jscjobid = j.jobid AND s.jscenabled) AS sch ON true
  LEFT JOIN LATERAL (
        SELECT l.jlgstart FROM pgagent.pga_joblog l
         WHERE l.jlgjobid = j.jobid AND l.jlgstatus = 'r' ORDER BY l.jlgid DESC LIMIT 1) AS cur ON true
  LEFT JOIN LATERAL (
        SELECT l.jlgstart, l.jlgduration, o.status_text
          FROM pgagent.pga_joblog l, pgagent.pga_run_outcome(l.jlgid, l.jlgstatus) AS o
         WHERE l.jlgjobid = j.jobid AND l.jlgstatus <> 'r' ORDER BY l.jlgid DESC LIMIT 1) AS last ON true
  LEFT JOIN LATERAL (
        SELECT count(*)::int4 AS n FROM pgagent.pga_joblog l
         WHERE l.jlgjobid = j.jobid AND l.jlgstatus IN ('f', 'd', 'i')
           AND l.jlgid > coalesce((SELECT max(k.jlgid) FROM pgagent.pga_joblog k
                                    WHERE k.jlgjobid = j.jobid AND k.jlgstatus = 's'), 0)) AS fails ON true
  LEFT JOIN LATERAL (
        SELECT l.jlgstart, o.step, o.message
          FROM pgagent.pga_joblog l, pgagent.pga_run_outcome(l.jlgid, l.jlgstatus) AS o
         WHERE l.jlgjobid = j.jobid AND l.jlgstatus = 'f' ORDER BY l.jlgid DESC LIMIT 1) AS lf ON true
  LEFT JOIN LATERAL (
        SELECT k.jskslot, k.jskreason FROM pgagent.pga_jobskip k
         WHERE k.jskjobid = j.jobid ORDER BY k.jskid DESC LIMIT 1) AS sk ON true;
COMMENT ON VIEW pgagent.job_status IS 'One row per job: schedules as cron text, next run, run in progress, last run, failures, control settings, retries, skips';
