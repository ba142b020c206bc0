-- One row per run, like pg_cron's cron.job_run_details.
CREATE VIEW pgagent.job_run_details AS
SELECT l.jlgjobid AS jobid,
       l.jlgid AS runid,
       j.jobname AS job_name,
       o.status_text AS status,
       o.step,
       l.jlgstart AS start_time,
       l.jlgstart + l.jlgduration AS end_time,
       o.message AS return_message
  FROM pgagent.pga_joblog l
  JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid
 CROSS JOIN LATERAL pgagent.pga_run_outcome(l.jlgid, l.jlgstatus) AS o;
COMMENT ON VIEW pgagent.job_run_details IS 'One row per job run: status in words, start, end and a one-line message';
