-- pg_cron's cron.schedule(job_name, schedule, command) and its kin, for pgagent: a job of one
-- step run on the cron schedule; calling again with the same name updates that job. Each
-- returns the job id.
CREATE FUNCTION pgagent.schedule(job_name text, schedule text, command text)
RETURNS int4
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.pga_cron_job(job_name, schedule, 's', command, current_database(), NULL)
$$;
COMMENT ON FUNCTION pgagent.schedule(text, text, text) IS 'Run an SQL command in this database on a cron schedule';

-- The SQL step runs in another database of the agent's server.
CREATE FUNCTION pgagent.schedule_in_database(job_name text, schedule text, command text, database text)
RETURNS int4
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.pga_cron_job(job_name, schedule, 's', command, database, NULL)
$$;
COMMENT ON FUNCTION pgagent.schedule_in_database(text, text, text, text) IS 'Run an SQL command in a database of the agent''s server on a cron schedule';

-- A batch (shell) step; host pins the job to the agent whose station has that name.
CREATE FUNCTION pgagent.schedule_shell(job_name text, schedule text, script text, host text DEFAULT '')
RETURNS int4
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.pga_cron_job(job_name, schedule, 'b', script, NULL, coalesce(host, ''))
$$;
COMMENT ON FUNCTION pgagent.schedule_shell(text, text, text, text) IS 'Run a shell script on an agent''s host on a cron schedule';
