-- pg_cron's cron.alter_job for pgagent: each argument left NULL keeps that part of the job.
-- schedule replaces the job's schedules with a cron expression's; command and database
-- change its one step (see pga_job_set_step); time_zone sets the zone of all its schedules
-- ('' = back to the database's zone); the job control settings go to pga_jobsettings (see
-- pga_job_set_settings). Each part is its own small function, so a later
-- version adds a setting by one more argument here and one more line below.
CREATE FUNCTION pgagent.alter_job(job_id int4, schedule text DEFAULT NULL, command text DEFAULT NULL,
                                  database text DEFAULT NULL, enabled bool DEFAULT NULL, time_zone text DEFAULT NULL,
                                  timeout interval DEFAULT NULL, step_timeout interval DEFAULT NULL,
                                  max_retries int4 DEFAULT NULL, retry_delay interval DEFAULT NULL,
                                  retry_max_delay interval DEFAULT NULL, retry_jitter float8 DEFAULT NULL,
                                  misfire text DEFAULT NULL, misfire_grace interval DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    IF command IS NOT NULL OR database IS NOT NULL THEN
        PERFORM pgagent.pga_job_set_step(job_id, NULL, command, database);
    END IF;
    IF schedule IS NOT NULL THEN
        PERFORM pgagent.pga_job_set_schedule(job_id, schedule,
                                             (SELECT min(jsctimezone) FROM pgagent.pga_schedule WHERE jscjobid = job_id));
    END IF;
    IF time_zone IS NOT NULL THEN
        UPDATE pgagent.pga_schedule SET jsctimezone = nullif(time_zone, '') WHERE jscjobid = job_id;
    END IF;
    IF enabled IS NOT NULL THEN
        UPDATE pgagent.pga_job SET jobenabled = enabled WHERE jobid = job_id;
    END IF;
    IF num_nonnulls(timeout, step_timeout, max_retries, retry_delay, retry_max_delay, retry_jitter, misfire, misfire_grace) > 0 THEN
        PERFORM pgagent.pga_job_set_settings(job_id, timeout, step_timeout, max_retries, retry_delay,
                                             retry_max_delay, retry_jitter, misfire, misfire_grace);
    END IF;
    UPDATE pgagent.pga_job SET jobchanged = now() WHERE jobid = job_id;
END
$$;
COMMENT ON FUNCTION pgagent.alter_job(int4, text, text, text, bool, text, interval, interval, int4, interval, interval, float8, text, interval)
    IS 'Change a job''s schedule, command, database, enabled flag, time zone or control settings';
