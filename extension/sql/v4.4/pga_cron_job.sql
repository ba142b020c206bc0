-- The job behind pgagent.schedule() and its kin: the one job named job_name (made if there
-- is none, updated if there is one, an error if there are several), with one step of the
-- given kind, code and database and the schedules the cron expression compiles to. `host`
-- pins the job to an agent's station ('' = any; NULL keeps an existing job's). An existing
-- job keeps its schedules' time zone. A lock on the name keeps two sessions scheduling the
-- same new name from making two jobs.
CREATE FUNCTION pgagent.pga_cron_job(job_name text, expression text, kind char, code text, dbname text, host text)
RETURNS int4
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    job_id int4;
    zone text;
BEGIN
    IF coalesce(job_name, '') = '' THEN
        RAISE EXCEPTION 'a job needs a name' USING ERRCODE = 'invalid_parameter_value';
    ELSIF code IS NULL THEN
        RAISE EXCEPTION 'job "%" needs a command', job_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('pgagent.pga_cron_job'), pg_catalog.hashtext(job_name));
    job_id := pgagent.pga_job_named(job_name, missing_ok => true);
    IF job_id IS NULL THEN
        INSERT INTO pgagent.pga_job (jobjclid, jobname, jobhostagent)
        VALUES ((SELECT jclid FROM pgagent.pga_jobclass ORDER BY jclname = 'Miscellaneous' DESC, jclid LIMIT 1),
                job_name, coalesce(host, ''))
        RETURNING jobid INTO job_id;
    ELSE
        UPDATE pgagent.pga_job SET jobhostagent = coalesce(host, jobhostagent), jobchanged = now() WHERE jobid = job_id;
        SELECT min(jsctimezone) INTO zone FROM pgagent.pga_schedule WHERE jscjobid = job_id;
    END IF;
    PERFORM pgagent.pga_job_set_step(job_id, kind, code, dbname);
    PERFORM pgagent.pga_job_set_schedule(job_id, expression, zone);
    RETURN job_id;
END
$$;
COMMENT ON FUNCTION pgagent.pga_cron_job(text, text, char, text, text, text) IS 'Make or update the one-step job behind pgagent.schedule()';
