-- Ask the agent running a job to stop its run: recorded (who asked, when) and announced on
-- the pgagent_stop channel; the agent aborts the run and records it 'd'. Returns at once,
-- true if a run was asked to stop; a job not running gets a notice and false.
CREATE FUNCTION pgagent.stop(job_id int4)
RETURNS bool
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    run int4;
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    SELECT l.jlgid INTO run
      FROM pgagent.pga_joblog l JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid
     WHERE l.jlgjobid = job_id AND l.jlgstatus = 'r' AND j.jobagentid IS NOT NULL
     ORDER BY l.jlgid DESC LIMIT 1;
    IF run IS NULL THEN
        RAISE NOTICE 'job % is not running: nothing to stop', job_id;
        RETURN false;
    END IF;
    INSERT INTO pgagent.pga_jobstop (jspjlgid, jspby)
    VALUES (run, format('%s (%s)', current_user, coalesce(nullif(current_setting('application_name'), ''), 'no application_name')))
        ON CONFLICT (jspjlgid) DO NOTHING;
    PERFORM pg_notify('pgagent_stop', job_id::text);
    RETURN true;
END
$$;
COMMENT ON FUNCTION pgagent.stop(int4) IS 'Stop a job''s running run';

CREATE FUNCTION pgagent.stop(job_name text)
RETURNS bool
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.stop(pgagent.pga_job_named(job_name))
$$;
COMMENT ON FUNCTION pgagent.stop(text) IS 'Stop the running run of the job with this name';
