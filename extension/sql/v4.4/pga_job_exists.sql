-- The job id itself, or an error naming it when there is no such job.
CREATE FUNCTION pgagent.pga_job_exists(job_id int4)
RETURNS int4
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pgagent.pga_job WHERE jobid = job_id) THEN
        RAISE EXCEPTION 'no job with id %', job_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN job_id;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_exists(int4) IS 'A job id checked to exist';
