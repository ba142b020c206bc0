-- A job released by its agent with a retry pending (pga_joblog_retry saw the failure first)
-- is due at the retry, unless its schedule comes sooner. The name sorts after pga_job_trigger,
-- so the scheduled next run is already computed here.
CREATE FUNCTION pgagent.pga_job_retry() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    due timestamptz;
BEGIN
    IF OLD.jobagentid IS NOT NULL AND NEW.jobagentid IS NULL AND NEW.jobenabled THEN
        SELECT jrat INTO due FROM pgagent.pga_jobretry WHERE jrjobid = NEW.jobid;
        IF due IS NOT NULL THEN
            NEW.jobnextrun := least(NEW.jobnextrun, due);
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_retry() IS 'Make a released job due at its pending retry.';

CREATE TRIGGER pga_job_trigger_retry BEFORE UPDATE OF jobagentid ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_retry();
COMMENT ON TRIGGER pga_job_trigger_retry ON pgagent.pga_job IS 'Make a released job due at its pending retry.';
