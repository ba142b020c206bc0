-- When a run ends: a failure ('f') with retries left makes the next attempt due after the
-- back-off, but never later than the next scheduled slot; anything else (success, abort,
-- no steps, the last retry failed) sends the job back to its schedule. Agents end a run by
-- writing the log and releasing the job (jobnextrun NULL) in either order, so this works both
-- ways: released already, the job's next run is moved here; still claimed, pga_job_retry
-- moves it on release.
CREATE FUNCTION pgagent.pga_joblog_retry() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    s record;
    due timestamptz;
    retry boolean := false;
BEGIN
    -- Most runs do not fail: they skip reading the settings.
    IF NEW.jlgstatus = 'f' THEN
        SELECT * INTO s FROM pgagent.pga_job_settings(NEW.jlgjobid);
        retry := NEW.jlgattempt <= s.max_retries;
    END IF;
    IF NOT retry THEN
        DELETE FROM pgagent.pga_jobretry WHERE jrjobid = NEW.jlgjobid;
        RETURN NULL;
    END IF;
    due := now() + pgagent.pga_retry_delay(NEW.jlgattempt, s.retry_delay, s.retry_max_delay, s.retry_jitter);
    INSERT INTO pgagent.pga_jobretry (jrjobid, jrattempt, jrat) VALUES (NEW.jlgjobid, NEW.jlgattempt + 1, due)
        ON CONFLICT (jrjobid) DO UPDATE SET jrattempt = EXCLUDED.jrattempt, jrat = EXCLUDED.jrat;
    UPDATE pgagent.pga_job SET jobnextrun = due
     WHERE jobid = NEW.jlgjobid AND jobagentid IS NULL AND jobenabled AND (jobnextrun IS NULL OR jobnextrun > due);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_joblog_retry() IS 'Schedule a retry of a failed run, or go back to the schedule.';

CREATE TRIGGER pga_joblog_retry AFTER UPDATE OF jlgstatus ON pgagent.pga_joblog
    FOR EACH ROW WHEN (OLD.jlgstatus = 'r' AND NEW.jlgstatus <> 'r')
    EXECUTE PROCEDURE pgagent.pga_joblog_retry();
COMMENT ON TRIGGER pga_joblog_retry ON pgagent.pga_joblog IS 'Schedule a retry of a failed run, or go back to the schedule.';
