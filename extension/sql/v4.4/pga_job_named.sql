-- The id of the one job with this name; an error when there is none, or several (pgAdmin
-- allows duplicate names), listing their ids. missing_ok gives NULL for none instead.
CREATE FUNCTION pgagent.pga_job_named(job_name text, missing_ok bool DEFAULT false)
RETURNS int4
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ids int4[];
BEGIN
    SELECT array_agg(jobid ORDER BY jobid) INTO ids FROM pgagent.pga_job WHERE jobname = job_name;
    IF cardinality(ids) > 1 THEN
        RAISE EXCEPTION 'there are % jobs named "%" (ids %)', cardinality(ids), job_name, array_to_string(ids, ', ')
            USING ERRCODE = 'ambiguous_parameter', HINT = 'Rename all but one, or use the job id.';
    ELSIF ids IS NULL AND NOT missing_ok THEN
        RAISE EXCEPTION 'no job named "%"', job_name USING ERRCODE = 'no_data_found';
    END IF;
    RETURN ids[1];
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_named(text, bool) IS 'The id of the one job with a given name';
