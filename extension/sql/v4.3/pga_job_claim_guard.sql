-- An agent claims a job by setting jobagentid where it is NULL. pgAgent 4.2's claim does not
-- re-check that the job is still due, so from a stale list it can claim (and run again) a job
-- another agent has just run and released. This guard turns a claim of a job that is not due
-- into a no-op (0 rows updated), which every agent already reads as "someone else got it".
-- BEFORE UPDATE triggers fire in name order, so this runs before pga_job_trigger.
CREATE FUNCTION pgagent.pga_job_claim_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF OLD.jobagentid IS NULL AND NEW.jobagentid IS NOT NULL
       AND NOT coalesce(OLD.jobenabled AND OLD.jobnextrun <= now(), false) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_claim_guard() IS 'Refuse to claim a job that is not due.';

CREATE TRIGGER pga_job_claim_guard BEFORE UPDATE OF jobagentid ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_claim_guard();
COMMENT ON TRIGGER pga_job_claim_guard ON pgagent.pga_job IS 'Refuse to claim a job that is not due.';
