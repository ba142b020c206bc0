-- The misfire policy 'skip': a claim of a job later than misfire_grace (no agent was there to
-- run it) is refused like the claim guard's (0 rows, which every agent, pgAgent 4.2's too,
-- reads as "someone else got it"), the skip is logged in pga_jobskip, and the job goes to its
-- next slot after now. Runs late for other reasons than a missing agent (a retry, Run now)
-- are judged the same way, by their jobnextrun. Fires after pga_job_claim_guard (name order).
CREATE FUNCTION pgagent.pga_job_claim_misfire() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    s record;
BEGIN
    IF OLD.jobagentid IS NULL AND NEW.jobagentid IS NOT NULL THEN
        SELECT * INTO s FROM pgagent.pga_job_settings(OLD.jobid);
        IF s.misfire = 'skip' AND now() - OLD.jobnextrun > s.misfire_grace THEN
            INSERT INTO pgagent.pga_jobskip (jskjobid, jskslot, jskreason)
            VALUES (OLD.jobid, OLD.jobnextrun,
                    format('misfire skip: due at %s, %s late, more than misfire_grace %s (no agent ran it in time)',
                           OLD.jobnextrun, date_trunc('second', now() - OLD.jobnextrun), s.misfire_grace));
            UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobid = OLD.jobid;
            RETURN NULL;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_claim_misfire() IS 'Skip a run later than its misfire grace, for jobs with misfire skip.';

CREATE TRIGGER pga_job_claim_misfire BEFORE UPDATE OF jobagentid ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_claim_misfire();
COMMENT ON TRIGGER pga_job_claim_misfire ON pgagent.pga_job IS 'Skip a run later than its misfire grace, for jobs with misfire skip.';
