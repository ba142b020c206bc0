-- One row per run, like pg_cron's cron.job_run_details; then which attempt the run was (2 and
-- up: retries) and, for a run someone stopped, who asked and when.
CREATE VIEW pgagent.job_run_details AS
SELECT l.jlgjobid AS jobid,
       l.jlgid AS runid,
       j.jobname AS job_name,
       o.status_text AS status,
       o.step,
       l.jlgstart AS start_time,
       l.jlgstart + l.jlgduration AS end_time,
       CASE WHEN l.jlgstatus = 'd' AND sp.jspby IS NOT NULL
            THEN format('stopped at the request of %s at %s', sp.jspby, sp.jsprequested) ELSE o.message END AS return_message,
       l.jlgattempt AS attempt,
       sp.jspby AS stop_requested_by,
       sp.jsprequested AS stop_requested_at
  FROM pgagent.pga_joblog l
  LEFT JOIN pgagent.pga_jobstop sp ON sp.jspjlgid = l.jlgid
  JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid
 CROSS JOIN LATERAL pgagent.pga_run_outcome(l.jlgid, l.jlgstatus) AS o;
COMMENT ON VIEW pgagent.job_run_details IS 'One row per job run: status in words, start, end and a one-line message';
