-- pgAdmin's "Run now": the job becomes due at once (the agents hear of it by pga_job_notify).
-- A disabled job cannot run, so that is an error rather than a silent no-op.
CREATE FUNCTION pgagent.run_now(job_id int4)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    IF NOT (SELECT jobenabled FROM pgagent.pga_job WHERE jobid = job_id) THEN
        RAISE EXCEPTION 'job % is disabled', job_id
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = format('Enable it first: SELECT pgagent.alter_job(%s, enabled => true);', job_id);
    END IF;
    UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = job_id;
END
$$;
COMMENT ON FUNCTION pgagent.run_now(int4) IS 'Make a job due now';

CREATE FUNCTION pgagent.run_now(job_name text)
RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT pgagent.run_now(pgagent.pga_job_named(job_name))
$$;
COMMENT ON FUNCTION pgagent.run_now(text) IS 'Make the job with this name due now';
