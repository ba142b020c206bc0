-- A job's control settings with the defaults filled in: no time limits, no retries (a retry
-- waits retry_delay, doubling per attempt up to retry_max_delay, ±retry_jitter of it), and a
-- late run run once (pgAgent's behaviour); skip applies only when later than misfire_grace.
CREATE FUNCTION pgagent.pga_job_settings(job_id int4)
RETURNS TABLE (timeout interval, step_timeout interval, max_retries int4, retry_delay interval,
               retry_max_delay interval, retry_jitter float8, misfire text, misfire_grace interval)
LANGUAGE sql STABLE AS $$
    SELECT s.jstimeout, s.jssteptimeout, coalesce(s.jsmaxretries, 0), coalesce(s.jsretrydelay, '1 minute'),
           coalesce(s.jsretrymaxdelay, '1 hour'), coalesce(s.jsretryjitter, 0.1),
           coalesce(s.jsmisfire, 'run_once'), coalesce(s.jsmisfiregrace, '1 minute')
      FROM (SELECT job_id) AS j
      LEFT JOIN pgagent.pga_jobsettings s ON s.jsjobid = j.job_id
$$;
COMMENT ON FUNCTION pgagent.pga_job_settings(int4) IS 'A job''s control settings, defaults filled in';
