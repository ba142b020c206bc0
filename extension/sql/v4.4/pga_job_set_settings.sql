-- alter_job's job control settings: each non-NULL argument is stored, the others kept. A zero
-- timeout or step_timeout removes that limit, misfire '' goes back to the default. A bad value
-- is an error that names the argument.
CREATE FUNCTION pgagent.pga_job_set_settings(job_id int4, timeout interval, step_timeout interval, max_retries int4,
                                             retry_delay interval, retry_max_delay interval, retry_jitter float8,
                                             misfire text, misfire_grace interval)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF timeout < '0' OR step_timeout < '0' OR max_retries < 0 OR retry_delay <= '0' OR retry_max_delay <= '0'
       OR NOT (retry_jitter >= 0 AND retry_jitter < 1) OR misfire_grace < '0' THEN
        RAISE EXCEPTION 'invalid job setting for job %', job_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'timeout, step_timeout and misfire_grace must be >= 0, max_retries >= 0, retry_delay and retry_max_delay > 0, retry_jitter in [0, 1).';
    END IF;
    IF nullif(misfire, '') NOT IN ('run_once', 'skip') THEN
        RAISE EXCEPTION 'invalid misfire policy "%"', misfire
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use run_once or skip.';
    END IF;
    INSERT INTO pgagent.pga_jobsettings (jsjobid) VALUES (job_id) ON CONFLICT (jsjobid) DO NOTHING;
    UPDATE pgagent.pga_jobsettings
       SET jstimeout       = CASE WHEN timeout IS NULL THEN jstimeout ELSE nullif(timeout, '0') END,
           jssteptimeout   = CASE WHEN step_timeout IS NULL THEN jssteptimeout ELSE nullif(step_timeout, '0') END,
           jsmaxretries    = coalesce(max_retries, jsmaxretries),
           jsretrydelay    = coalesce(retry_delay, jsretrydelay),
           jsretrymaxdelay = coalesce(retry_max_delay, jsretrymaxdelay),
           jsretryjitter   = coalesce(retry_jitter, jsretryjitter),
           jsmisfire       = CASE WHEN misfire IS NULL THEN jsmisfire ELSE nullif(misfire, '') END,
           jsmisfiregrace  = coalesce(misfire_grace, jsmisfiregrace)
     WHERE jsjobid = job_id;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_set_settings(int4, interval, interval, int4, interval, interval, float8, text, interval)
    IS 'Store a job''s control settings';
