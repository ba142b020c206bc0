-- Takes pg_cron's jobs (cron.job in this database) over as pgagent jobs: name (a job without
-- one is named 'pg_cron <jobid>'), schedule, command, database and active flag, each
-- schedule read in pg_cron's zone (cron.timezone; GMT, pg_cron's default and the only zone of
-- its versions before 1.5). Re-running it updates the same jobs, since schedule() updates by
-- name. A job it cannot take (seconds intervals, @reboot, another node, a bad expression)
-- gets a NOTICE saying why and stays in pg_cron. With unschedule => true, each job taken is
-- removed from pg_cron. Returns how many jobs it took.
-- pg_cron need not be installed for this to be: cron.job is looked up when called, and
-- read by fixed statements run only then.
CREATE FUNCTION pgagent.import_pg_cron(unschedule bool DEFAULT false)
RETURNS int4
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    cron_job record;
    job_name text;
    job_id int4;
    zone text;
    taken int4 := 0;
BEGIN
    IF to_regclass('cron.job') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in database "%" (there is no table cron.job)', current_database()
            USING ERRCODE = 'undefined_table', HINT = 'Run this in the database named by pg_cron''s cron.database_name.';
    END IF;
    BEGIN
        zone := coalesce(current_setting('cron.timezone', true), 'GMT');
    EXCEPTION WHEN insufficient_privilege THEN
        zone := 'GMT';
        RAISE NOTICE 'cannot read cron.timezone; reading pg_cron''s schedules in GMT, its default';
    END;
    FOR cron_job IN EXECUTE 'SELECT jobid, jobname, schedule, command, database, username, nodename, active FROM cron.job ORDER BY jobid' LOOP
        job_name := coalesce(nullif(cron_job.jobname, ''), 'pg_cron ' || cron_job.jobid);
        IF coalesce(cron_job.nodename, 'localhost') NOT IN ('localhost', '127.0.0.1', '::1', '') THEN
            RAISE NOTICE 'pg_cron job % ("%") not imported: it runs on node %, and a pgagent SQL step runs on the agent''s server',
                         cron_job.jobid, job_name, cron_job.nodename;
            CONTINUE;
        END IF;
        BEGIN
            job_id := pgagent.schedule_in_database(job_name, cron_job.schedule, cron_job.command,
                                                   coalesce(cron_job.database, current_database()));
        EXCEPTION WHEN invalid_parameter_value OR feature_not_supported OR ambiguous_parameter
                       OR object_not_in_prerequisite_state OR invalid_catalog_name THEN
            RAISE NOTICE 'pg_cron job % ("%") not imported: %', cron_job.jobid, job_name, SQLERRM;
            CONTINUE;
        END;
        PERFORM pgagent.alter_job(job_id, enabled => cron_job.active, time_zone => zone);
        UPDATE pgagent.pga_job
           SET jobdesc = format('imported from pg_cron job %s (which ran as user %s)', cron_job.jobid, cron_job.username)
         WHERE jobid = job_id;
        IF unschedule THEN
            EXECUTE 'SELECT cron.unschedule($1)' USING cron_job.jobid;
        END IF;
        taken := taken + 1;
    END LOOP;
    RETURN taken;
END
$$;
COMMENT ON FUNCTION pgagent.import_pg_cron(bool) IS 'Take pg_cron''s jobs over as pgagent jobs';
