-- pg_cron's cron.unschedule: deletes the job (its steps, schedules and logs go with it); an
-- unknown job is an error, as in pg_cron.
CREATE FUNCTION pgagent.unschedule(job_id int4)
RETURNS bool
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    DELETE FROM pgagent.pga_job WHERE jobid = job_id;
    RETURN true;
END
$$;
COMMENT ON FUNCTION pgagent.unschedule(int4) IS 'Delete a job';

CREATE FUNCTION pgagent.unschedule(job_name text)
RETURNS bool
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.unschedule(pgagent.pga_job_named(job_name))
$$;
COMMENT ON FUNCTION pgagent.unschedule(text) IS 'Delete the job with this name';
